package dev.parley.presence.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.events.Json;
import dev.parley.events.KafkaHeaders;
import dev.parley.events.payload.ConnectionEvent;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * Reads gateway heartbeats from EVERY partition of the connections topic (assign-all, no group, from the end) and
 * hands them to the local fold. Heartbeats are keyed by gateway id, so they land on one partition that is usually
 * owned by another presence instance, while the gateway's connections are spread over the partitions of all its
 * tenants: every instance must see every gateway's heartbeats. Each instance therefore reads the whole topic once
 * more and keeps only the heartbeats (ADR 0021). Records whose {@code parley-type} header names another kind are
 * skipped without decoding their value.
 */
public final class HeartbeatListener implements Runnable {

    private static final Logger LOG = Logger.getLogger(HeartbeatListener.class);

    private final Supplier<Consumer<String, byte[]>> consumers;
    private final String topic;
    private final BiConsumer<String, Instant> alive;
    private final Clock clock;
    private volatile boolean closed;
    private volatile Consumer<String, byte[]> consumer;

    /** {@code alive} gets (gateway id, receipt time) of every heartbeat, e.g. {@link ConnectionFolder#heartbeat}. */
    public HeartbeatListener(Supplier<Consumer<String, byte[]>> consumers, String topic,
                             BiConsumer<String, Instant> alive, Clock clock) {
        this.consumers = consumers;
        this.topic = topic;
        this.alive = alive;
        this.clock = clock;
    }

    public Thread start() {
        return Thread.ofPlatform().daemon().name("presence-heartbeats").start(this);
    }

    @Override
    public void run() {
        while (!closed) {
            try (Consumer<String, byte[]> c = consumers.get()) {
                consumer = c;
                List<PartitionInfo> infos = List.of();
                while ((infos == null || infos.isEmpty()) && !closed) {
                    infos = c.partitionsFor(topic, Duration.ofSeconds(10));
                }
                List<TopicPartition> all = infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
                c.assign(all);
                c.seekToEnd(all);
                while (!closed) {
                    for (ConsumerRecord<String, byte[]> record : c.poll(Duration.ofMillis(500))) {
                        handle(record);
                    }
                }
            } catch (WakeupException e) {
                // closing
            } catch (Exception e) {
                if (!closed) {
                    LOG.warnf("heartbeat listener failed, restarting: %s", e.toString());
                }
            }
        }
    }

    private void handle(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            return;
        }
        // the gateways put the kind in the type header: connection events (nearly every record) skip the JSON
        String type = KafkaHeaders.get(record.headers(), KafkaHeaders.TYPE);
        if (type != null && !type.equals(ConnectionEvent.HEARTBEAT)) {
            return;
        }
        try {
            JsonNode node = Json.MAPPER.readTree(record.value());
            if (ConnectionEvent.HEARTBEAT.equals(node.path("kind").asText()) && node.hasNonNull("gateway")) {
                alive.accept(node.get("gateway").asText(), clock.instant());
            }
        } catch (Exception e) {
            // not ours to judge: the fold counts unreadable events
        }
    }

    public void close() {
        closed = true;
        Consumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }
}
