package dev.parley.platform.streamlog;

import dev.parley.events.Envelope;
import dev.parley.events.Json;
import dev.parley.events.StreamKey;
import dev.parley.platform.problem.ErrorCodes;
import dev.parley.platform.problem.ProblemException;
import dev.parley.platform.sql.SessionSql;
import io.quarkus.arc.properties.IfBuildProperty;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;

/**
 * Appends events to a durable stream inside the caller's database transaction (the transactional outbox of
 * DESIGN.md): no event without its change, no change without its event. {@code seq} comes from a per-stream head
 * row that the transaction locks, so concurrent writers get 1, 2, 3... with no gap (a rolled-back transaction
 * returns its number) and no duplicate. The commit wakes {@link StreamLogRelay} through {@code NOTIFY}.
 * <p>
 * Every append is two statements whatever the number of events and streams: one moves the heads of all the streams
 * involved (locking their rows, always in stream-key order, so two writers of the same streams cannot deadlock), one
 * inserts every event and queues the notification. The head rows stay locked until the transaction ends, so an
 * append should be the last thing a transaction does (ADR 0044).
 * <p>
 * An envelope over {@code parley.stream-log.max-event-size} fails the append with 422 {@code event.too_large}
 * before the events are inserted; the head moves roll back with the caller's transaction, so nothing is written.
 * <p>
 * Call it from inside {@code @WithTransaction} / {@code Panache.withTransaction}.
 */
@ApplicationScoped
@IfBuildProperty(name = "parley.stream-log.enabled", stringValue = "true", enableIfMissing = true)
public class StreamLog {

    static final String NOTIFY_CHANNEL = "parley_stream_log";

    private final long maxEventBytes;

    public StreamLog(StreamLogConfig config) {
        this.maxEventBytes = config.maxEventSize().asLongValue();
    }

    /** The event cap in UTF-8 bytes of the envelope's JSON. */
    public long maxEventBytes() {
        return maxEventBytes;
    }

    /** What an envelope adds around its data (stream name, seq, type, time), with room to spare. */
    static final int ENVELOPE_RESERVE = 1024;

    /**
     * Refuses data that would not fit in one event once wrapped in its envelope, with 422 {@code event.too_large}:
     * for a write checked before anything is stored (a live snapshot, which a later {@code turn.ended} carries).
     */
    public void checkData(Object data) {
        check(utf8Length(Json.string(data)) + ENVELOPE_RESERVE);
    }

    /** Refuses an envelope's JSON over the event cap with 422 {@code event.too_large}. */
    void checkSize(String json) {
        check(utf8Length(json));
    }

    private void check(long bytes) {
        if (bytes > maxEventBytes) {
            throw ProblemException.limit(ErrorCodes.EVENT_TOO_LARGE,
                    "an event is at most " + maxEventBytes + " bytes; this one is " + bytes);
        }
    }

    /** The UTF-8 length of a string without encoding it (a lone surrogate counts as the 3 bytes of U+FFFD). */
    static long utf8Length(String s) {
        int n = s.length();
        long bytes = n;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                if (c < 0x800) {
                    bytes += 1;
                } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    bytes += 2; // 4 bytes for the pair's 2 chars
                    i++;
                } else {
                    bytes += 2;
                }
            }
        }
        return bytes;
    }

    /** Moves each stream's head by its count (new streams start at 0), in key order; answers the new heads. */
    private static final String MOVE_HEADS = "INSERT INTO stream_head (stream_key, head) "
            + "SELECT k, n FROM unnest(CAST($1 AS text[]), CAST($2 AS bigint[])) AS t(k, n) ORDER BY k "
            + "ON CONFLICT (stream_key) DO UPDATE SET head = stream_head.head + excluded.head "
            + "RETURNING stream_key, head";

    private static final String INSERT_EVENTS = "WITH logged AS (INSERT INTO stream_log "
            + "(stream_key, seq, type, at, envelope, origin) SELECT k, s, t, $4, e, o FROM unnest(CAST($1 AS text[]), "
            + "CAST($2 AS bigint[]), CAST($3 AS text[]), CAST($5 AS text[]), CAST($6 AS text[])) AS x(k, s, t, e, o) "
            + "RETURNING seq) SELECT count(*) FROM logged, pg_notify('" + NOTIFY_CHANNEL + "', '')";

    /**
     * One event to append.
     *
     * @param data   the event's data given its seq (a message carries the seq it was created at)
     * @param origin the ref of the member who caused it, or null
     */
    public record Event(StreamKey key, String type, LongFunction<Object> data, String origin) {

        public static Event of(StreamKey key, String type, Object data, String origin) {
            return new Event(key, type, seq -> data, origin);
        }
    }

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
        return append(List.of(new Event(key, type, data, origin))).map(envelopes -> envelopes.get(0));
    }

    /**
     * Appends events to one or several streams in one go (a room's initial members, a message and its inbox
     * deliveries). Within a stream the events get consecutive seqs in list order; the data functions are called in
     * list order too (a later event may carry what an earlier one produced). Answers the envelopes in list order.
     */
    public Uni<List<Envelope>> append(List<Event> events) {
        if (events.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        Map<String, Long> counts = new LinkedHashMap<>();
        for (Event event : events) {
            counts.merge(event.key().value(), 1L, Long::sum);
        }
        Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        // pending entity changes of the transaction go first, so they are not written while the heads are locked
        return Panache.getSession().chain(session -> session.flush()
                .chain(() -> SessionSql.rowsInTransaction(session, MOVE_HEADS, counts.keySet().toArray(String[]::new),
                        counts.values().toArray(Long[]::new)))
                .chain(heads -> {
                    // the first seq each stream hands out in this append
                    Map<String, Long> next = new HashMap<>();
                    for (Object[] row : heads) {
                        String key = (String) row[0];
                        next.put(key, ((Number) row[1]).longValue() - counts.get(key) + 1);
                    }
                    int n = events.size();
                    List<Envelope> envelopes = new ArrayList<>(n);
                    String[] keys = new String[n];
                    Long[] seqs = new Long[n];
                    String[] types = new String[n];
                    String[] json = new String[n];
                    String[] origins = new String[n];
                    for (int i = 0; i < n; i++) {
                        Event event = events.get(i);
                        long seq = next.merge(event.key().value(), 1L, Long::sum) - 1;
                        Envelope envelope = Envelope.durable(event.key().name().wire(), seq, event.type(), at,
                                event.data().apply(seq));
                        envelopes.add(envelope);
                        keys[i] = event.key().value();
                        seqs[i] = seq;
                        types[i] = event.type();
                        json[i] = Json.string(envelope);
                        checkSize(json[i]);
                        origins[i] = event.origin();
                    }
                    return SessionSql.rowsInTransaction(session, INSERT_EVENTS, keys, seqs, types,
                                    OffsetDateTime.ofInstant(at, ZoneOffset.UTC), json, origins)
                            .replaceWith(envelopes);
                }));
    }
}
