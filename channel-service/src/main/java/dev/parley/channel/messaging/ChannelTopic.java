package dev.parley.channel.messaging;

import dev.parley.channel.config.ChannelConfig;
import dev.parley.events.Service;
import dev.parley.platform.kafka.ParleyKafka;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * Keeps the channel events topic to the channel's retention window (ADR 0035). The platform creates the topic
 * (7 days); at start this sets its {@code retention.ms} to {@code parley.channel.retention.period} and its
 * {@code segment.ms} to a 24th of it (the broker drops whole segments, so a segment spanning the whole window would
 * keep records up to twice as long). Each retention run then deletes the records older than the window outright
 * ({@code deleteRecords} up to the first offset at or after the cutoff), so a record outlives the window by at most
 * one run interval, whatever the broker's segment and retention-check timing.
 */
@ApplicationScoped
public class ChannelTopic {

    private static final Logger LOG = Logger.getLogger(ChannelTopic.class);
    private static final long ADMIN_TIMEOUT_SECONDS = 15;
    private static final int START_ATTEMPTS = 10;
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final ParleyKafka kafka;
    private final ChannelConfig config;
    private final String topic;

    public ChannelTopic(ParleyKafka kafka, ChannelConfig config) {
        this.kafka = kafka;
        this.config = config;
        this.topic = kafka.topicNames().events(Service.CHANNEL);
    }

    public String name() {
        return topic;
    }

    /** The {@code retention.ms} the topic should have: the channel's window. */
    public long retentionMs() {
        return config.retention().period().toMillis();
    }

    /** The {@code segment.ms} set with it: a 24th of the window, at least a minute. */
    public long segmentMs() {
        return Math.max(TimeUnit.MINUTES.toMillis(1), retentionMs() / 24);
    }

    /** At start, off the start-up thread: sets (or, when the topic is not ours to manage, checks) its retention. */
    void onStart(@Observes StartupEvent event) {
        attempt(1, Duration.ZERO, Thread.currentThread().getContextClassLoader());
    }

    /**
     * One try on a virtual thread after {@code delay}; on failure the next after twice the delay (at most 30 s). The
     * thread gets the application's class loader (the JVM-wide delay scheduler's is not; the Kafka client loads its
     * classes through it).
     */
    private void attempt(int attempt, Duration delay, ClassLoader loader) {
        Executor later = CompletableFuture.delayedExecutor(delay.toMillis(), TimeUnit.MILLISECONDS, task -> {
            Thread thread = Thread.ofVirtual().name("channel-topic-retention").unstarted(task);
            thread.setContextClassLoader(loader);
            thread.start();
        });
        CompletableFuture.runAsync(() -> {
            try {
                applyRetention();
            } catch (Exception e) {
                if (attempt >= START_ATTEMPTS) {
                    LOG.errorf("channel events topic %s: retention.ms could not be set to %d (%s); set it on the topic",
                            topic, retentionMs(), e.toString());
                    return;
                }
                LOG.warnf("channel events topic retention not applied yet (attempt %d: %s)", attempt, e.toString());
                Duration next = delay.isZero() ? Duration.ofSeconds(1) : delay.multipliedBy(2);
                attempt(attempt + 1, next.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : next, loader);
            }
        }, later);
    }

    /** Sets {@code retention.ms} and {@code segment.ms} when they differ (or logs the difference if not managed). */
    public void applyRetention() throws Exception {
        kafka.ensureTopics();
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        try (Admin admin = Admin.create(kafka.clientConfig())) {
            Config current = admin.describeConfigs(List.of(resource)).all()
                    .get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS).get(resource);
            String retention = value(current, "retention.ms");
            String segment = value(current, "segment.ms");
            String wantedRetention = Long.toString(retentionMs());
            String wantedSegment = Long.toString(segmentMs());
            if (wantedRetention.equals(retention) && wantedSegment.equals(segment)) {
                return;
            }
            if (!config.retention().manageTopic()) {
                LOG.warnf("channel events topic %s keeps records for retention.ms=%s, the channel for %d ms "
                        + "(parley.channel.retention.period): set the topic's retention.ms to match", topic,
                        retention, retentionMs());
                return;
            }
            admin.incrementalAlterConfigs(Map.of(resource, List.of(
                            new AlterConfigOp(new ConfigEntry("retention.ms", wantedRetention), AlterConfigOp.OpType.SET),
                            new AlterConfigOp(new ConfigEntry("segment.ms", wantedSegment), AlterConfigOp.OpType.SET))))
                    .all().get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            LOG.infof("channel events topic %s: retention.ms %s -> %s, segment.ms %s -> %s", topic, retention,
                    wantedRetention, segment, wantedSegment);
        }
    }

    /**
     * Deletes the topic's records written before {@code cutoff}, and every record of the partitions that carry one of
     * the {@code truncate} stream keys (channels with a recent delete), blocking; a retention run calls it on a
     * worker thread. Answers how many records went. Does nothing when the topic is not ours to manage.
     */
    public long deleteBefore(Instant cutoff, java.util.Set<String> truncate) throws Exception {
        if (!config.retention().manageTopic()) {
            return 0;
        }
        try (Admin admin = Admin.create(kafka.clientConfig())) {
            TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS).get(topic);
            Map<TopicPartition, OffsetSpec> atCutoff = new HashMap<>();
            Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
            description.partitions().forEach(p -> {
                TopicPartition tp = new TopicPartition(topic, p.partition());
                atCutoff.put(tp, OffsetSpec.forTimestamp(cutoff.toEpochMilli()));
                earliest.put(tp, OffsetSpec.earliest());
            });
            var cut = admin.listOffsets(atCutoff).all().get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            var start = admin.listOffsets(earliest).all().get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            atCutoff.keySet().forEach(tp -> latest.put(tp, OffsetSpec.latest()));
            var end = admin.listOffsets(latest).all().get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            Map<TopicPartition, RecordsToDelete> delete = new HashMap<>();
            java.util.Set<Integer> whole = new java.util.HashSet<>();
            int partitions = description.partitions().size();
            for (String key : truncate) {
                whole.add(partitionOf(key, partitions));
            }
            long count = 0;
            for (TopicPartition tp : atCutoff.keySet()) {
                // no record at or after the cutoff (offset -1): everything in the partition is older; a partition
                // that carried a deleted message goes up to its end
                long before = cut.get(tp).offset() < 0 || whole.contains(tp.partition())
                        ? end.get(tp).offset() : cut.get(tp).offset();
                long from = start.get(tp).offset();
                if (before > from) {
                    delete.put(tp, RecordsToDelete.beforeOffset(before));
                    count += before - from;
                }
            }
            if (!delete.isEmpty()) {
                admin.deleteRecords(delete).all().get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            }
            return count;
        }
    }

    /** The partition the relay's producer puts a stream key in (Kafka's default partitioner: murmur2 of the key). */
    static int partitionOf(String key, int partitions) {
        byte[] bytes = key.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return org.apache.kafka.common.utils.Utils.toPositive(org.apache.kafka.common.utils.Utils.murmur2(bytes))
                % partitions;
    }

    private static String value(Config config, String name) {
        ConfigEntry entry = config == null ? null : config.get(name);
        return entry == null ? null : entry.value();
    }
}
