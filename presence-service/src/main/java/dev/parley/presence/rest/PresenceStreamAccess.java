package dev.parley.presence.rest;

import dev.parley.events.Envelope;
import dev.parley.events.StreamKey;
import dev.parley.events.StreamName;
import dev.parley.platform.identity.Caller;
import dev.parley.platform.streamlog.StreamAccess;
import dev.parley.presence.service.PresenceService;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/**
 * The live {@code presence} stream: every caller may read their own tenant's ({@code <tenant>/presence}); a new
 * subscriber first gets one {@code presence.snapshot} (the whole roster), then the gateway forwards the
 * {@code presence.changed} records of the changes topic whose key starts with {@code <tenant>/}.
 */
@ApplicationScoped
public class PresenceStreamAccess implements StreamAccess {

    private final PresenceService presence;

    public PresenceStreamAccess(PresenceService presence) {
        this.presence = presence;
    }

    @Override
    public boolean owns(StreamName name) {
        return name.kind() == StreamName.Kind.PRESENCE;
    }

    @Override
    public Uni<StreamKey> authorize(Caller caller, StreamName name) {
        return Uni.createFrom().item(StreamKey.of(caller.tenant(), StreamName.PRESENCE));
    }

    @Override
    public Uni<List<Envelope>> latest(Caller caller, StreamKey key) {
        return Uni.createFrom().item(() -> List.of(presence.snapshot(caller)));
    }
}
