package dev.parley.sessions.service;

import dev.parley.events.Envelope;
import dev.parley.events.EventTypes;
import dev.parley.events.Json;
import dev.parley.events.StreamKey;
import dev.parley.events.payload.Typing;
import dev.parley.platform.identity.Caller;
import dev.parley.platform.kafka.ParleyKafka;
import dev.parley.platform.problem.ProblemException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * {@code typing} on a session over REST, for clients that only read SSE: the same ephemeral event (no seq, never
 * logged) as the WebSocket {@code typing} op and {@code POST /api/channel/typing}, on {@code parley.ephemeral.v1}
 * with the typist as origin (the gateway never echoes it back to them). Members only (404 otherwise).
 */
@ApplicationScoped
public class TypingService {

    private final ParleyKafka kafka;
    private final Sessions sessions;

    public TypingService(ParleyKafka kafka, Sessions sessions) {
        this.kafka = kafka;
        this.sessions = sessions;
    }

    public Uni<Void> typing(Caller caller, UUID id) {
        String ref = caller.userRef();
        StreamKey key = Sessions.stream(caller.tenant(), id);
        return Panache.withSession(() -> sessions.access(caller, id)).chain(access -> {
            Envelope envelope = Envelope.ephemeral(key.name().wire(), EventTypes.TYPING,
                    Instant.now().truncatedTo(ChronoUnit.MILLIS), new Typing(ref, caller.name()));
            return kafka.send(kafka.topicNames().ephemeral(), key.value(), EventTypes.TYPING, null, ref,
                            Json.bytes(envelope))
                    .onFailure().transform(e -> ProblemException.unavailable("the event broker is unreachable", 5))
                    .replaceWithVoid();
        });
    }
}
