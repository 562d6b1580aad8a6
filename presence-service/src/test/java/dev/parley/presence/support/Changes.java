package dev.parley.presence.support;

import dev.parley.events.Envelope;
import dev.parley.events.Json;
import dev.parley.events.Topics;
import dev.parley.events.payload.RosterEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads what presence published to the changes topic, as the gateway and session-relay do. */
public final class Changes {

    /** One record: the envelope, its key, and when the broker got it. */
    public record Change(String key, Envelope envelope, Instant published) {
        public RosterEntry entry() {
            return envelope.dataAs(RosterEntry.class);
        }
    }

    private Changes() {
    }

    /** Every record published so far whose key starts with {@code prefix}, in offset order per partition. */
    public static List<Change> read(String bootstrap, String prefix) {
        String topic = new Topics("").presenceChanges();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            List<Change> out = new ArrayList<>();
            long deadline = System.currentTimeMillis() + 10_000;
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))
                    && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.key() != null && r.key().startsWith(prefix) && r.value() != null) {
                        out.add(new Change(r.key(), Json.read(r.value(), Envelope.class),
                                Instant.ofEpochMilli(r.timestamp())));
                    }
                }
            }
            return out;
        }
    }
}
