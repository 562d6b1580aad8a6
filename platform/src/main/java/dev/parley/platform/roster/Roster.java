package dev.parley.platform.roster;

import dev.parley.events.Json;
import dev.parley.events.payload.RosterRecord;
import dev.parley.platform.identity.Caller;
import dev.parley.platform.kafka.ParleyKafka;
import dev.parley.platform.metrics.PlatformMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tenant roster as every service sees it (API.md §1 Roster): a human joins on their first authenticated call,
 * which publishes their display name to the compacted roster topic; names of others are read back from that topic
 * (never from another service's state).
 */
@ApplicationScoped
public class Roster {

    private static final Logger LOG = Logger.getLogger(Roster.class);
    private static final int MAX_CACHED = 200_000;

    private final ParleyKafka kafka;
    private final Counter published;
    /** What this process last published per {@code tenant/ref}: skip republishing an unchanged name. */
    private final Map<String, String> announced = new ConcurrentHashMap<>();
    /** Names read from the topic, per {@code tenant/ref}. */
    private final Map<String, String> names = new ConcurrentHashMap<>();
    private volatile Thread reader;
    private volatile boolean closed;

    public Roster(ParleyKafka kafka, MeterRegistry registry) {
        this.kafka = kafka;
        this.published = registry.counter(PlatformMetrics.ROSTER_PUBLISHED);
    }

    public static String key(String tenant, String ref) {
        return tenant + "/" + ref;
    }

    /** A human made an authenticated call: make sure the roster knows them under their current name. */
    public void seen(Caller caller) {
        if (caller.isApp()) {
            return;
        }
        String key = key(caller.tenant(), caller.userRef());
        if (caller.name().equals(announced.get(key))) {
            return;
        }
        if (announced.size() > MAX_CACHED) {
            announced.clear();
        }
        announced.put(key, caller.name());
        names.put(key, caller.name());
        RosterRecord record = new RosterRecord(caller.tenant(), caller.userRef(), caller.name(),
                Instant.now().truncatedTo(ChronoUnit.MILLIS));
        kafka.send(kafka.topicNames().roster(), key, "roster", null, null, Json.bytes(record))
                .subscribe().with(ok -> published.increment(), e -> {
                    announced.remove(key);
                    LOG.debugf("roster publish failed, will retry on next call: %s", e.toString());
                });
    }

    /** The display name of a member of a tenant, once the roster knows it. */
    public Optional<String> name(String tenant, String ref) {
        ensureReading();
        return Optional.ofNullable(names.get(key(tenant, ref)));
    }

    /** Starts following the roster topic from the beginning (once); names fill in as it catches up. */
    public synchronized void ensureReading() {
        if (reader != null || closed) {
            return;
        }
        reader = Thread.ofPlatform().daemon().name("roster-reader").start(this::read);
    }

    private void read() {
        String topic = kafka.topicNames().roster();
        try (KafkaConsumer<String, byte[]> consumer = kafka.consumer(null, Map.of())) {
            List<PartitionInfo> partitions = List.of();
            while (partitions.isEmpty() && !closed) {
                partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10));
            }
            List<TopicPartition> assigned = partitions.stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(assigned);
            consumer.seekToBeginning(assigned);
            while (!closed) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.value() != null) {
                        RosterRecord entry = Json.read(record.value(), RosterRecord.class);
                        names.put(record.key(), entry.name());
                    }
                }
            }
        } catch (Exception e) {
            if (!closed) {
                LOG.warnf("roster reader stopped: %s", e.toString());
                reader = null;
            }
        }
    }

    @PreDestroy
    void close() {
        closed = true;
    }
}
