package dev.parley.channel.service;

import dev.parley.channel.config.ChannelConfig;
import dev.parley.channel.metrics.ChannelMetrics;
import dev.parley.platform.streamlog.StreamLogRetention;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Channel retention (API.md §4): messages older than the period go with their reactions and attachment blobs, in
 * batches of one short transaction each ({@code FOR UPDATE SKIP LOCKED}: never waits for, nor blocks, a writer for
 * long); then the stream log is trimmed to the same window. Uploads never attached are removed after their TTL.
 * Rows go first, then the blobs (a crash in between orphans blobs, never leaves a row without its bytes).
 */
@ApplicationScoped
public class RetentionJob {

    private static final Logger LOG = Logger.getLogger(RetentionJob.class);

    /** One batch: deletes the oldest expired messages with their reactions and attachment rows. */
    private static final String EXPIRE_BATCH = """
            WITH victims AS (
                SELECT id FROM channel_message WHERE created_at < $1 ORDER BY created_at LIMIT $2
                FOR UPDATE SKIP LOCKED),
            r AS (DELETE FROM channel_reaction WHERE message_id IN (SELECT id FROM victims)),
            a AS (DELETE FROM channel_attachment WHERE message_id IN (SELECT id FROM victims) RETURNING blob_key),
            m AS (DELETE FROM channel_message WHERE id IN (SELECT id FROM victims) RETURNING id)
            SELECT (SELECT count(*) FROM m) AS messages, (SELECT array_agg(blob_key) FROM a) AS blobs""";

    private static final String ABANDONED_BATCH = """
            DELETE FROM channel_attachment WHERE id IN (
                SELECT id FROM channel_attachment WHERE message_id IS NULL AND created_at < $1
                ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED)
            RETURNING blob_key""";

    private final Pool pool;
    private final StreamLogRetention streamRetention;
    private final BlobCleaner blobs;
    private final ChannelConfig config;
    private final MeterRegistry registry;
    private final Timer duration;

    /** What one run removed. */
    public record Result(long messages, long attachments, long events) {
    }

    public RetentionJob(Pool pool, StreamLogRetention streamRetention, BlobCleaner blobs, ChannelConfig config,
                        MeterRegistry registry) {
        this.pool = pool;
        this.streamRetention = streamRetention;
        this.blobs = blobs;
        this.config = config;
        this.registry = registry;
        this.duration = Timer.builder(ChannelMetrics.RETENTION_DURATION).register(registry);
    }

    @Scheduled(identity = "channel-retention", every = "${parley.channel.retention.every}", delayed = "1m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduledRetention() {
        return expire().onFailure().invoke(e -> LOG.warnf("channel retention failed (retried next run): %s", e.toString()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    @Scheduled(identity = "channel-abandoned-uploads", every = "${parley.channel.attachments.cleanup-every}",
            delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduledCleanup() {
        return removeAbandonedUploads().onFailure().invoke(e -> LOG.warnf("upload cleanup failed: %s", e.toString()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Runs retention once: expired messages (batch after batch), then the stream-log window. */
    public Uni<Result> expire() {
        long start = System.nanoTime();
        OffsetDateTime cutoff = OffsetDateTime.now(ZoneOffset.UTC).minus(config.retention().period());
        int batch = config.retention().batchSize();
        return expireBatches(cutoff, batch, 0, 0)
                .chain(counts -> streamRetention.trim("%/channel", config.retention().period(), batch)
                        .map(events -> new Result(counts[0], counts[1], events)))
                .invoke(result -> {
                    registry.counter(ChannelMetrics.RETENTION_DELETED, ChannelMetrics.TAG_KIND, "message")
                            .increment(result.messages());
                    registry.counter(ChannelMetrics.RETENTION_DELETED, ChannelMetrics.TAG_KIND, "attachment")
                            .increment(result.attachments());
                    registry.counter(ChannelMetrics.RETENTION_DELETED, ChannelMetrics.TAG_KIND, "event")
                            .increment(result.events());
                    if (result.messages() > 0 || result.events() > 0) {
                        LOG.infof("channel retention removed %d messages, %d attachments, %d events",
                                result.messages(), result.attachments(), result.events());
                    }
                })
                .onTermination().invoke(() -> duration.record(System.nanoTime() - start,
                        java.util.concurrent.TimeUnit.NANOSECONDS));
    }

    private Uni<long[]> expireBatches(OffsetDateTime cutoff, int batch, long messages, long attachments) {
        return pool.withTransaction(conn -> conn.preparedQuery(EXPIRE_BATCH).execute(Tuple.of(cutoff, batch))
                        .map(rows -> {
                            Row row = rows.iterator().next();
                            return new Object[] {row.getLong("messages"), keys(row.getArrayOfStrings("blobs"))};
                        }))
                .chain(r -> {
                    long deleted = (Long) r[0];
                    @SuppressWarnings("unchecked")
                    List<String> keys = (List<String>) r[1];
                    return blobs.deleteAll(keys).chain(() -> deleted >= batch
                            ? expireBatches(cutoff, batch, messages + deleted, attachments + keys.size())
                            : Uni.createFrom().item(new long[] {messages + deleted, attachments + keys.size()}));
                });
    }

    /** Removes uploads nobody attached within the TTL (rows first, so a late attach fails cleanly with 422). */
    public Uni<Long> removeAbandonedUploads() {
        OffsetDateTime cutoff = OffsetDateTime.now(ZoneOffset.UTC).minus(config.attachments().unattachedTtl());
        return abandonedBatches(cutoff, config.attachments().cleanupBatchSize(), 0);
    }

    private Uni<Long> abandonedBatches(OffsetDateTime cutoff, int batch, long total) {
        return pool.withTransaction(conn -> conn.preparedQuery(ABANDONED_BATCH).execute(Tuple.of(cutoff, batch))
                        .map(rows -> {
                            List<String> keys = new ArrayList<>();
                            rows.forEach(row -> keys.add(row.getString(0)));
                            return keys;
                        }))
                .chain(keys -> blobs.deleteAll(keys).chain(() -> {
                    registry.counter(ChannelMetrics.ATTACHMENTS_ABANDONED).increment(keys.size());
                    return keys.size() >= batch ? abandonedBatches(cutoff, batch, total + keys.size())
                            : Uni.createFrom().item(total + keys.size());
                }));
    }

    private static List<String> keys(String[] array) {
        return array == null ? List.of() : List.of(array);
    }
}
