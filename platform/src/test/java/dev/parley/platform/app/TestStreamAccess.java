package dev.parley.platform.app;

import dev.parley.events.StreamKey;
import dev.parley.events.StreamName;
import dev.parley.platform.identity.Caller;
import dev.parley.platform.problem.ProblemException;
import dev.parley.platform.streamlog.StreamAccess;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** Test access rule: the channel and rooms of the caller's tenant; anything else is not visible. */
@ApplicationScoped
public class TestStreamAccess implements StreamAccess {
    @Override
    public boolean owns(StreamName name) {
        return name.kind() == StreamName.Kind.CHANNEL || name.kind() == StreamName.Kind.ROOM;
    }

    @Override
    public Uni<StreamKey> authorize(Caller caller, StreamName name) {
        if (name.kind() == StreamName.Kind.ROOM && name.id().getLeastSignificantBits() == 0) {
            return Uni.createFrom().failure(ProblemException.notFound("stream"));
        }
        return Uni.createFrom().item(caller.streamKey(name));
    }
}
