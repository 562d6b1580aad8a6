package dev.parley.platform.streamlog;

import io.quarkus.arc.properties.IfBuildProperty;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Trims streams that keep a window (the channel keeps 7 days, {@code me} 30): deletes published events older than
 * the window in small batches (each its own short transaction, so the table is never locked for long) and moves
 * each stream's {@code earliest}, so a client resuming from before it gets a {@code reset}.
 */
@ApplicationScoped
@IfBuildProperty(name = "parley.stream-log.enabled", stringValue = "true", enableIfMissing = true)
public class StreamLogRetention {

    private final Pool pool;

    public StreamLogRetention(Pool pool) {
        this.pool = pool;
    }

    /**
     * Deletes events of the streams whose key matches the SQL {@code LIKE} pattern and that are older than
     * {@code keep}; returns how many were deleted.
     */
    public Uni<Long> trim(String keyPattern, Duration keep, int batchSize) {
        OffsetDateTime cutoff = OffsetDateTime.now(ZoneOffset.UTC).minus(keep);
        return batch(keyPattern, cutoff, batchSize, 0L);
    }

    private Uni<Long> batch(String keyPattern, OffsetDateTime cutoff, int batchSize, long total) {
        return pool.withTransaction(conn -> conn.preparedQuery(
                        "WITH gone AS (DELETE FROM stream_log WHERE ctid IN (SELECT ctid FROM stream_log "
                                + "WHERE stream_key LIKE $1 AND at < $2 AND published LIMIT $3) RETURNING stream_key, seq), "
                                + "moved AS (UPDATE stream_head h SET earliest = GREATEST(h.earliest, g.top + 1) "
                                + "FROM (SELECT stream_key, max(seq) AS top FROM gone GROUP BY stream_key) g "
                                + "WHERE h.stream_key = g.stream_key RETURNING 1) "
                                + "SELECT (SELECT count(*) FROM gone), (SELECT count(*) FROM moved)")
                        .execute(Tuple.of(keyPattern, cutoff, batchSize))
                        .map(rows -> rows.iterator().next().getLong(0)))
                .chain(deleted -> deleted >= batchSize
                        ? batch(keyPattern, cutoff, batchSize, total + deleted)
                        : Uni.createFrom().item(total + deleted));
    }
}
