package dev.parley.sessions.service;

import dev.parley.events.Envelope;
import dev.parley.events.EventTypes;
import dev.parley.events.MemberRef;
import dev.parley.events.StreamKey;
import dev.parley.events.StreamName;
import dev.parley.events.payload.Mention;
import dev.parley.events.payload.RoomMessage;
import dev.parley.platform.streamlog.StreamLog;
import dev.parley.sessions.metrics.SessionsMetrics;
import dev.parley.sessions.repository.MentionRepository;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns a room's {@code message.created} into a {@code mention} on each routed human's me stream, exactly once per
 * (room, seq, user): the claim in {@code mention_delivery} and the append share one transaction.
 */
@ApplicationScoped
public class MentionService {

    private final MentionRepository repository;
    private final StreamLog log;
    private final MeterRegistry registry;

    public MentionService(MentionRepository repository, StreamLog log, MeterRegistry registry) {
        this.repository = repository;
        this.log = log;
        this.registry = registry;
    }

    /** The {@code user:} refs among a message's routes (each once, in order); agents get no mention. */
    public static Set<String> people(List<String> routes) {
        Set<String> users = new LinkedHashSet<>();
        for (String route : routes == null ? List.<String>of() : routes) {
            if (MemberRef.isValid(route) && MemberRef.parse(route).isUser()) {
                users.add(route);
            }
        }
        return users;
    }

    /** Handles one rooms event; returns how many mentions were appended (0 for anything else or a redelivery). */
    public Uni<Integer> handle(String key, Envelope envelope) {
        if (key == null || envelope == null || !EventTypes.MESSAGE_CREATED.equals(envelope.type())
                || envelope.seq() == null) {
            return Uni.createFrom().item(0);
        }
        StreamKey roomKey;
        try {
            roomKey = StreamKey.parse(key);
        } catch (RuntimeException e) {
            return Uni.createFrom().item(0);
        }
        if (roomKey.name().kind() != StreamName.Kind.ROOM) {
            return Uni.createFrom().item(0);
        }
        RoomMessage message = envelope.dataAs(RoomMessage.class);
        Set<String> users = people(message.routes());
        if (users.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        String roomId = roomKey.name().id().toString();
        long seq = envelope.seq();
        return Panache.withTransaction(() -> Multi.createFrom().iterable(users)
                .onItem().transformToUniAndConcatenate(user -> repository.claim(key, seq, user).chain(fresh -> {
                    if (!fresh) {
                        registry.counter(SessionsMetrics.MENTIONS_DUPLICATE).increment();
                        return Uni.createFrom().item(0);
                    }
                    return log.append(StreamKey.me(roomKey.tenant(), user), EventTypes.MENTION,
                            s -> new Mention(roomId, message), message.sender()).replaceWith(1);
                }))
                .collect().asList()
                .map(counts -> counts.stream().mapToInt(Integer::intValue).sum()))
                .invoke(n -> registry.counter(SessionsMetrics.MENTIONS).increment(n));
    }
}
