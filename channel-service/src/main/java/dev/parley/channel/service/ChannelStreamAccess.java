package dev.parley.channel.service;

import dev.parley.events.StreamKey;
import dev.parley.events.StreamName;
import dev.parley.platform.identity.Caller;
import dev.parley.platform.problem.ProblemException;
import dev.parley.platform.streamlog.StreamAccess;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Who may read {@code channel}: every human of the tenant reads {@code <tenant>/channel}. App tokens get 404: the
 * team channel is the humans' room (agents talk in group rooms), and API.md §4 makes every author a {@code user:}.
 */
@ApplicationScoped
public class ChannelStreamAccess implements StreamAccess {

    @Override
    public boolean owns(StreamName name) {
        return name.kind() == StreamName.Kind.CHANNEL;
    }

    @Override
    public Uni<StreamKey> authorize(Caller caller, StreamName name) {
        if (caller.isApp() || name.kind() != StreamName.Kind.CHANNEL) {
            return Uni.createFrom().failure(ProblemException.notFound("stream"));
        }
        return Uni.createFrom().item(caller.streamKey(StreamName.CHANNEL));
    }
}
