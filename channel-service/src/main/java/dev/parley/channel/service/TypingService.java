package dev.parley.channel.service;

import dev.parley.events.Envelope;
import dev.parley.events.EventTypes;
import dev.parley.events.Json;
import dev.parley.events.StreamKey;
import dev.parley.events.StreamName;
import dev.parley.events.payload.Typing;
import dev.parley.platform.identity.Caller;
import dev.parley.platform.kafka.ParleyKafka;
import dev.parley.platform.problem.ProblemException;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** {@code typing} on the channel: an ephemeral event (no seq, no log), never echoed to the typist by the gateway. */
@ApplicationScoped
public class TypingService {

    private final ParleyKafka kafka;

    public TypingService(ParleyKafka kafka) {
        this.kafka = kafka;
    }

    public Uni<Void> typing(Caller caller) {
        String ref = caller.userRef();
        StreamKey key = caller.streamKey(StreamName.CHANNEL);
        Envelope envelope = Envelope.ephemeral(StreamName.CHANNEL.wire(), EventTypes.TYPING,
                Instant.now().truncatedTo(ChronoUnit.MILLIS), new Typing(ref, caller.name()));
        return kafka.send(kafka.topicNames().ephemeral(), key.value(), EventTypes.TYPING, null, ref, Json.bytes(envelope))
                .onFailure().transform(e -> ProblemException.unavailable("the event broker is unreachable", 5))
                .replaceWithVoid();
    }
}
