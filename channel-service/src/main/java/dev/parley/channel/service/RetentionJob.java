package dev.parley.channel.service;

import dev.parley.channel.config.ChannelConfig;
import dev.parley.channel.messaging.ChannelTopic;
import dev.parley.channel.metrics.ChannelMetrics;
import dev.parley.platform.streamlog.StreamLogRetention;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Channel retention: messages older than the window go with their reactions and attachment blobs, in batches of one
 * short transaction each ({@code FOR UPDATE SKIP LOCKED}: never waits for, nor blocks, a writer for long; no stream
 * head is touched, so posts go on). Each batch also scrubs, in its transaction, every later stream-log row and
 * idempotency record that still carries what it deleted (ADR 0033). Then the stream log is trimmed to the same
 * window and the events topic's records older than it are deleted (ADR 0035). Uploads never attached are removed
 * after their TTL. Rows go first, then the blobs (a crash in between orphans blobs, never leaves a row without its
 * bytes).
 */
@ApplicationScoped
public class RetentionJob {

    private static final Logger LOG = Logger.getLogger(RetentionJob.class);

    /** Lowers the tenants' attachment usage by what CTE {@code a} deleted (ADR 0034); a fragment of the batches. */
    static final String USAGE_DOWN = "u AS (UPDATE channel_attachment_usage u SET bytes = GREATEST(u.bytes - s.total, 0) "
            + "FROM (SELECT tenant, sum(size) AS total FROM a GROUP BY tenant) s WHERE u.tenant = s.tenant)";

    /**
     * One batch: deletes the oldest expired messages with their reactions and attachment rows, and answers what the
     * scrub and the blob clean-up need.
     */
    private static final String EXPIRE_BATCH = """
            WITH victims AS (
                SELECT id FROM channel_message WHERE created_at < $1 ORDER BY created_at LIMIT $2
                FOR UPDATE SKIP LOCKED),
            r AS (DELETE FROM channel_reaction WHERE message_id IN (SELECT id FROM victims)),
            a AS (DELETE FROM channel_attachment WHERE message_id IN (SELECT id FROM victims)
                  RETURNING id, tenant, size, blob_key),
            """ + USAGE_DOWN + """
            ,
            m AS (DELETE FROM channel_message WHERE id IN (SELECT id FROM victims) RETURNING id, tenant)
            SELECT (SELECT array_agg(id::text) FROM m) AS messages, (SELECT array_agg(DISTINCT tenant) FROM m) AS tenants,
                   (SELECT array_agg(id::text) FROM a) AS attachments, (SELECT array_agg(blob_key) FROM a) AS blobs""";

    private static final String ABANDONED_BATCH = """
            WITH a AS (DELETE FROM channel_attachment WHERE id IN (
                SELECT id FROM channel_attachment WHERE message_id IS NULL AND created_at < $1
                ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED)
                RETURNING id, tenant, size, blob_key),
            """ + USAGE_DOWN + """

            SELECT (SELECT array_agg(id::text) FROM a) AS attachments, (SELECT array_agg(DISTINCT tenant) FROM a) AS tenants,
                   (SELECT array_agg(blob_key) FROM a) AS blobs""";

    private final Pool pool;
    private final StreamLogRetention streamRetention;
    private final BlobCleaner blobs;
    private final Scrubbing scrubbing;
    private final ChannelTopic topic;
    private final Vertx vertx;
    private final ChannelConfig config;
    private final MeterRegistry registry;
    private final Timer duration;

    /**
     * What one run removed: messages, attachments, stream-log events trimmed, stream-log rows and idempotency
     * records scrubbed (later copies of expired messages), Kafka records deleted, and the batches it took.
     */
    public record Result(long messages, long attachments, long events, long scrubbed, long kafkaRecords, int batches) {
    }

    public RetentionJob(Pool pool, StreamLogRetention streamRetention, BlobCleaner blobs, Scrubbing scrubbing,
                        ChannelTopic topic, Vertx vertx, ChannelConfig config, MeterRegistry registry) {
        this.pool = pool;
        this.streamRetention = streamRetention;
        this.blobs = blobs;
        this.scrubbing = scrubbing;
        this.topic = topic;
        this.vertx = vertx;
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

    /** Runs retention once with the configured window. */
    public Uni<Result> expire() {
        return expire(config.retention().period());
    }

    /**
     * Runs retention once with {@code window}: expired messages batch after batch (each batch also scrubs the later
     * copies of what it deleted), then the stream-log window, then the Kafka topic's records older than it. The
     * window is read at each run and applies to every message by its creation time, so a changed retention (shorter
     * or longer) holds for old messages from the next run on.
     */
    public Uni<Result> expire(Duration window) {
        long start = System.nanoTime();
        OffsetDateTime cutoff = OffsetDateTime.now(ZoneOffset.UTC).minus(window);
        int batch = config.retention().batchSize();
        long[] counts = new long[4]; // messages, attachments, scrubbed, batches
        return expireBatches(cutoff, batch, counts)
                .chain(() -> streamRetention.trim("%/channel", window, batch))
                .chain(events -> recentlyDeletedIn().chain(deletedIn -> vertx.executeBlocking(
                                () -> topic.deleteBefore(cutoff.toInstant(), deletedIn), false))
                        .onFailure().recoverWithItem(e -> {
                            LOG.warnf("deleting expired records of %s failed (retried next run): %s", topic.name(),
                                    e.toString());
                            return 0L;
                        })
                        .map(kafkaRecords -> new Result(counts[0], counts[1], events, counts[2], kafkaRecords,
                                (int) counts[3])))
                .invoke(result -> {
                    registry.counter(ChannelMetrics.RETENTION_DELETED, ChannelMetrics.TAG_KIND, "message")
                            .increment(result.messages());
                    registry.counter(ChannelMetrics.RETENTION_DELETED, ChannelMetrics.TAG_KIND, "attachment")
                            .increment(result.attachments());
                    registry.counter(ChannelMetrics.RETENTION_DELETED, ChannelMetrics.TAG_KIND, "event")
                            .increment(result.events());
                    registry.counter(ChannelMetrics.RETENTION_DELETED, ChannelMetrics.TAG_KIND, "scrubbed")
                            .increment(result.scrubbed());
                    registry.counter(ChannelMetrics.RETENTION_DELETED, ChannelMetrics.TAG_KIND, "kafka-record")
                            .increment(result.kafkaRecords());
                    if (result.messages() > 0 || result.events() > 0 || result.kafkaRecords() > 0) {
                        LOG.infof("channel retention removed %d messages, %d attachments, %d events, %d Kafka records; "
                                        + "scrubbed %d later copies; %d batches", result.messages(), result.attachments(),
                                result.events(), result.kafkaRecords(), result.scrubbed(), result.batches());
                    }
                })
                .onTermination().invoke(() -> duration.record(System.nanoTime() - start, TimeUnit.NANOSECONDS));
    }

    /** The channel stream keys in which a message was deleted within the purge lookback. */
    private Uni<java.util.Set<String>> recentlyDeletedIn() {
        return pool.preparedQuery("SELECT DISTINCT stream_key FROM stream_log WHERE type = $1 AND at > $2")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(dev.parley.events.EventTypes.MESSAGE_DELETED,
                        OffsetDateTime.now(ZoneOffset.UTC).minus(config.retention().deletePurgeLookback())))
                .map(rows -> {
                    java.util.Set<String> keys = new java.util.HashSet<>();
                    rows.forEach(row -> keys.add(row.getString(0)));
                    return keys;
                });
    }

    /** One short transaction per batch: delete, scrub what it deleted, commit; then its blobs; then the next. */
    private Uni<Void> expireBatches(OffsetDateTime cutoff, int batch, long[] counts) {
        List<String> blobKeys = new ArrayList<>();
        int[] deleted = {0};
        return pool.withTransaction(conn -> conn.preparedQuery(EXPIRE_BATCH).execute(Tuple.of(cutoff, batch))
                        .chain(rows -> {
                            Row row = rows.iterator().next();
                            List<String> messages = list(row.getArrayOfStrings("messages"));
                            List<String> attachments = list(row.getArrayOfStrings("attachments"));
                            blobKeys.addAll(list(row.getArrayOfStrings("blobs")));
                            deleted[0] = messages.size();
                            counts[0] += messages.size();
                            counts[1] += attachments.size();
                            return scrubbing.on(conn, messages, list(row.getArrayOfStrings("tenants")), attachments,
                                    cutoff);
                        })
                        .invoke(scrubbed -> counts[2] += scrubbed.events() + scrubbed.quotes()
                                + scrubbed.idempotencyRecords()))
                .chain(() -> blobs.deleteAll(blobKeys))
                .chain(() -> {
                    counts[3]++;
                    return deleted[0] >= batch ? expireBatches(cutoff, batch, counts) : Uni.createFrom().voidItem();
                });
    }

    /** Removes uploads nobody attached within the TTL (rows first, so a late attach fails cleanly with 422). */
    public Uni<Long> removeAbandonedUploads() {
        OffsetDateTime cutoff = OffsetDateTime.now(ZoneOffset.UTC).minus(config.attachments().unattachedTtl());
        return abandonedBatches(cutoff, config.attachments().cleanupBatchSize(), 0);
    }

    private Uni<Long> abandonedBatches(OffsetDateTime cutoff, int batch, long total) {
        List<String> keys = new ArrayList<>();
        return pool.withTransaction(conn -> conn.preparedQuery(ABANDONED_BATCH).execute(Tuple.of(cutoff, batch))
                        .chain(rows -> {
                            Row row = rows.iterator().next();
                            keys.addAll(list(row.getArrayOfStrings("blobs")));
                            return scrubbing.on(conn, List.of(), list(row.getArrayOfStrings("tenants")),
                                    list(row.getArrayOfStrings("attachments")), null);
                        }))
                .chain(() -> blobs.deleteAll(keys).chain(() -> {
                    registry.counter(ChannelMetrics.ATTACHMENTS_ABANDONED).increment(keys.size());
                    return keys.size() >= batch ? abandonedBatches(cutoff, batch, total + keys.size())
                            : Uni.createFrom().item(total + keys.size());
                }));
    }

    private static List<String> list(String[] array) {
        return array == null ? List.of() : List.of(array);
    }
}
