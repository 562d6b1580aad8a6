package dev.parley.sessions.service;

import dev.parley.events.Envelope;
import dev.parley.events.StreamKey;
import dev.parley.events.StreamName;
import dev.parley.platform.identity.Caller;
import dev.parley.platform.problem.ProblemException;
import dev.parley.sessions.repository.SessionRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/**
 * The streams this service owns: {@code session:<id>} (members only) and {@code me} (the caller's own, humans only).
 * An app token sees neither (404). A running turn's snapshot is what a new session subscriber gets first.
 */
@ApplicationScoped
public class SessionsStreamAccess implements dev.parley.platform.streamlog.StreamAccess {

    private final SessionRepository repository;
    private final LiveService live;

    public SessionsStreamAccess(SessionRepository repository, LiveService live) {
        this.repository = repository;
        this.live = live;
    }

    @Override
    public boolean owns(StreamName name) {
        return name.kind() == StreamName.Kind.SESSION || name.kind() == StreamName.Kind.ME;
    }

    @Override
    public Uni<StreamKey> authorize(Caller caller, StreamName name) {
        if (caller.isApp()) {
            return Uni.createFrom().failure(ProblemException.notFound("stream"));
        }
        if (name.kind() == StreamName.Kind.ME) {
            return Uni.createFrom().item(StreamKey.me(caller.tenant(), caller.userRef()));
        }
        return Panache.withSession(() -> repository.access(name.id(), caller.tenant(), caller.userRef()))
                .map(found -> {
                    if (found.isEmpty()) {
                        throw ProblemException.notFound("stream");
                    }
                    return Sessions.stream(caller.tenant(), name.id());
                });
    }

    @Override
    public Uni<List<Envelope>> latest(Caller caller, StreamKey key) {
        if (key.name().kind() != StreamName.Kind.SESSION) {
            return Uni.createFrom().item(List.of());
        }
        return live.latest(key.name().id(), key);
    }
}
