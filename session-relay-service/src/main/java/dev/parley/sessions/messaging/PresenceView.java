package dev.parley.sessions.messaging;

import dev.parley.events.Envelope;
import dev.parley.events.Json;
import dev.parley.events.payload.RosterEntry;
import dev.parley.platform.kafka.ParleyKafka;
import dev.parley.sessions.config.SessionsConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who is online, for the sync partner check (ADR 0052): follows presence-service's compacted
 * {@code parley.presence.changes.v1} from the beginning on its own thread (assign-only, no consumer group: every
 * replica needs every tenant), keeping the latest status per {@code <tenant>/<ref>}. A tombstone forgets a member.
 */
@ApplicationScoped
public class PresenceView {

    private static final Logger LOG = Logger.getLogger(PresenceView.class);

    private final ParleyKafka kafka;
    private final SessionsConfig config;
    private final Map<String, String> status = new ConcurrentHashMap<>();
    private volatile boolean closed;
    private volatile Thread thread;

    public PresenceView(ParleyKafka kafka, SessionsConfig config) {
        this.kafka = kafka;
        this.config = config;
    }

    void start(@Observes StartupEvent event) {
        if (config.presenceEnabled()) {
            thread = Thread.ofPlatform().daemon().name("presence-view").start(this::run);
        }
    }

    /** Online (not idle, not offline) per the latest presence.changed seen. */
    public boolean online(String tenant, String ref) {
        return RosterEntry.ONLINE.equals(status.get(tenant + "/" + ref));
    }

    private void run() {
        while (!closed) {
            String topic = kafka.topicNames().presenceChanges();
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
                        apply(record.key(), record.value());
                    }
                }
            } catch (Exception e) {
                if (!closed) {
                    LOG.warnf("presence view restarting after: %s", e.toString());
                    try {
                        Thread.sleep(1000);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }
    }

    void apply(String key, byte[] value) {
        if (key == null) {
            return;
        }
        if (value == null) {
            status.remove(key);
            return;
        }
        try {
            Envelope envelope = Json.read(value, Envelope.class);
            RosterEntry entry = envelope.dataAs(RosterEntry.class);
            if (entry != null && entry.status() != null) {
                status.put(key, entry.status());
            }
        } catch (RuntimeException e) {
            LOG.debugf("skipping an unreadable presence record %s: %s", key, e.toString());
        }
    }

    @PreDestroy
    void close() {
        closed = true;
    }
}
