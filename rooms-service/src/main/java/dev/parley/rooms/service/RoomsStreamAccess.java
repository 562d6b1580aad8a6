package dev.parley.rooms.service;

import dev.parley.events.StreamKey;
import dev.parley.events.StreamName;
import dev.parley.platform.identity.Caller;
import dev.parley.platform.problem.ProblemException;
import dev.parley.platform.streamlog.StreamAccess;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The streams rooms-service owns: {@code room:<id>} (members only — for an app token, when any of its agents is a
 * member) and {@code inbox} (app tokens only: {@code <tenant>/inbox/<app>}; a human gets 404).
 */
@ApplicationScoped
public class RoomsStreamAccess implements StreamAccess {

    private final RoomService rooms;

    public RoomsStreamAccess(RoomService rooms) {
        this.rooms = rooms;
    }

    @Override
    public boolean owns(StreamName name) {
        return name.kind() == StreamName.Kind.ROOM || name.kind() == StreamName.Kind.INBOX;
    }

    @Override
    public Uni<StreamKey> authorize(Caller caller, StreamName name) {
        if (name.kind() == StreamName.Kind.INBOX) {
            if (caller.isHuman()) {
                return Uni.createFrom().failure(ProblemException.notFound("stream"));
            }
            return Uni.createFrom().item(caller.streamKey(StreamName.INBOX));
        }
        return Panache.withSession(() -> rooms.visible(caller, name.id()))
                .onFailure(ProblemException.class).transform(e -> ProblemException.notFound("stream"))
                .map(ignored -> StreamKey.of(caller.tenant(), name));
    }
}
