package dev.parley.gateway.messaging;

import dev.parley.events.KafkaHeaders;
import dev.parley.events.Service;
import dev.parley.events.Topics;
import dev.parley.gateway.metrics.GatewayMetrics;
import dev.parley.gateway.service.OutboundEvent;
import dev.parley.gateway.service.Streams;
import dev.parley.platform.kafka.ParleyKafka;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One Kafka consumer per gateway instance (no group: every instance reads every partition, ADR 0011), from the end
 * at start, of the three events topics, the ephemeral topic and the presence changes. Each record is handed to the
 * stream hub by its key; its value is already the envelope JSON clients get.
 */
@ApplicationScoped
public class FanOutConsumer {

    private static final Logger LOG = Logger.getLogger(FanOutConsumer.class);

    private final ParleyKafka kafka;
    private final Streams streams;
    private final AtomicLong lag = new AtomicLong();
    private final CountDownLatch positioned = new CountDownLatch(1);
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile boolean running = true;
    private volatile boolean healthy;
    private Thread thread;

    public FanOutConsumer(ParleyKafka kafka, Streams streams, MeterRegistry registry) {
        this.kafka = kafka;
        this.streams = streams;
        registry.gauge(GatewayMetrics.KAFKA_CONSUMER_LAG, lag);
    }

    /** True once the consumer is positioned at the end of every partition and polling. */
    public boolean healthy() {
        return healthy;
    }

    void start(@Observes StartupEvent event) throws InterruptedException {
        thread = Thread.ofPlatform().name("gateway-fanout").daemon().start(this::run);
        // live-only subscribers must not miss what is published right after start: wait until positioned
        if (!positioned.await(60, TimeUnit.SECONDS)) {
            LOG.warn("fan-out consumer not positioned yet; continuing start-up");
        }
        try {
            kafka.producer();
        } catch (RuntimeException e) {
            LOG.warnf("Kafka producer not ready yet: %s", e.toString());
        }
    }

    void stop(@Observes ShutdownEvent event) {
        running = false;
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    private void run() {
        Topics topics = kafka.topicNames();
        String presenceChanges = topics.presenceChanges();
        List<String> names = List.of(topics.events(Service.CHANNEL), topics.events(Service.ROOMS),
                topics.events(Service.SESSIONS), topics.ephemeral(), presenceChanges);
        while (running) {
            try (KafkaConsumer<String, byte[]> c = kafka.consumer(null, Map.of(
                    ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000,
                    ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50))) {
                consumer = c;
                List<TopicPartition> partitions = new ArrayList<>();
                for (String topic : names) {
                    List<PartitionInfo> infos = List.of();
                    while (running && (infos == null || infos.isEmpty())) {
                        infos = c.partitionsFor(topic, Duration.ofSeconds(10));
                    }
                    for (PartitionInfo p : infos) {
                        partitions.add(new TopicPartition(topic, p.partition()));
                    }
                }
                c.assign(partitions);
                c.seekToEnd(partitions);
                for (TopicPartition tp : partitions) {
                    c.position(tp);
                }
                positioned.countDown();
                healthy = true;
                long lagAt = 0;
                while (running) {
                    ConsumerRecords<String, byte[]> records = c.poll(Duration.ofMillis(200));
                    if (!records.isEmpty()) {
                        List<OutboundEvent> events = new ArrayList<>(records.count());
                        for (ConsumerRecord<String, byte[]> record : records) {
                            OutboundEvent event = event(record, presenceChanges);
                            if (event != null) {
                                events.add(event);
                            }
                        }
                        streams.dispatch(events);
                    }
                    long now = System.currentTimeMillis();
                    if (now - lagAt > 1000) {
                        lagAt = now;
                        long total = 0;
                        for (TopicPartition tp : partitions) {
                            total += c.currentLag(tp).orElse(0);
                        }
                        lag.set(total);
                    }
                }
            } catch (WakeupException e) {
                // shutting down
            } catch (Exception e) {
                healthy = false;
                if (running) {
                    LOG.warnf("fan-out consumer failed, restarting: %s", e.toString());
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

    /** The record as an outbound event, or null when it is not one (no key or value, unreadable). */
    private static OutboundEvent event(ConsumerRecord<String, byte[]> record, String presenceChanges) {
        String key = record.key();
        byte[] value = record.value();
        if (key == null || value == null) {
            return null;
        }
        try {
            if (record.topic().equals(presenceChanges)) {
                int slash = key.indexOf('/');
                if (slash <= 0) {
                    return null;
                }
                key = key.substring(0, slash) + "/presence";
            }
            String type = KafkaHeaders.get(record.headers(), KafkaHeaders.TYPE);
            String seqText = KafkaHeaders.get(record.headers(), KafkaHeaders.SEQ);
            Long seq = seqText == null ? null : Long.valueOf(seqText);
            if (type == null) {
                com.fasterxml.jackson.databind.JsonNode node = dev.parley.events.Json.read(value,
                        com.fasterxml.jackson.databind.JsonNode.class);
                type = node.path("type").asText(null);
                if (seq == null && node.hasNonNull("seq")) {
                    seq = node.get("seq").asLong();
                }
            }
            String origin = KafkaHeaders.get(record.headers(), KafkaHeaders.ORIGIN);
            return new OutboundEvent(key, seq, type, origin, value);
        } catch (RuntimeException e) {
            LOG.debugf("skipping an unreadable record on %s: %s", record.topic(), e.toString());
            return null;
        }
    }
}
