package dev.parley.platform.streamlog;

import dev.parley.events.Envelope;
import dev.parley.events.Json;
import dev.parley.events.StreamKey;
import io.quarkus.arc.properties.IfBuildProperty;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.function.LongFunction;

/**
 * Appends events to a durable stream inside the caller's database transaction (the transactional outbox of
 * DESIGN.md): no event without its change, no change without its event. {@code seq} comes from a per-stream head
 * row that the transaction locks, so concurrent writers get 1, 2, 3... with no gap (a rolled-back transaction
 * returns its number) and no duplicate. The commit wakes {@link StreamLogRelay} through {@code NOTIFY}.
 * <p>
 * Call it from inside {@code @WithTransaction} / {@code Panache.withTransaction}.
 */
@ApplicationScoped
@IfBuildProperty(name = "parley.stream-log.enabled", stringValue = "true", enableIfMissing = true)
public class StreamLog {

    static final String NOTIFY_CHANNEL = "parley_stream_log";

    /** Appends one event; {@code data} is the resource as REST returns it. */
    public Uni<Envelope> append(StreamKey key, String type, Object data) {
        return append(key, type, seq -> data, null);
    }

    /**
     * Appends one event whose data depends on its own {@code seq} (a message carries the seq it was created at).
     *
     * @param origin the ref of the member who caused it, or null
     */
    public Uni<Envelope> append(StreamKey key, String type, LongFunction<Object> data, String origin) {
        Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return Panache.getSession().chain(session -> session
                .createNativeQuery("INSERT INTO stream_head (stream_key, head) VALUES (?1, 1) "
                        + "ON CONFLICT (stream_key) DO UPDATE SET head = stream_head.head + 1 RETURNING head", Long.class)
                .setParameter(1, key.value())
                .getSingleResult()
                .chain(seq -> {
                    Envelope envelope = Envelope.durable(key.name().wire(), seq, type, at, data.apply(seq));
                    return session.createNativeQuery("INSERT INTO stream_log (stream_key, seq, type, at, envelope, origin) "
                                    + "VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
                            .setParameter(1, key.value())
                            .setParameter(2, seq)
                            .setParameter(3, type)
                            .setParameter(4, OffsetDateTime.ofInstant(at, ZoneOffset.UTC))
                            .setParameter(5, Json.string(envelope))
                            .setParameter(6, origin)
                            .executeUpdate()
                            .chain(() -> session.createNativeQuery("NOTIFY " + NOTIFY_CHANNEL).executeUpdate())
                            .replaceWith(envelope);
                }));
    }
}
