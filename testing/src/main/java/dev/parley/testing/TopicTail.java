package dev.parley.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.events.Json;
import dev.parley.events.KafkaHeaders;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A plain Kafka consumer of a whole topic from the beginning, keeping the records of one stream key: what a test
 * checks on the wire (type, seq and origin headers, the envelope). Poll it from Awaitility:
 * {@code await().until(() -> tail.seqs().size() >= 10)}.
 */
public final class TopicTail implements AutoCloseable {

    /** One record: its headers and its value. */
    public record Event(String type, long seq, String origin, JsonNode envelope, String raw) {
    }

    private final KafkaConsumer<String, byte[]> consumer;
    private final String key;
    private final List<Event> events = new ArrayList<>();

    public TopicTail(String topic, String key) {
        this.key = key;
        consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", ParleyTestResources.kafka().bootstrapServers()),
                new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Polls once and returns every event of the key seen so far, in the order Kafka holds them. */
    public List<Event> events() {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(300))) {
            if (key.equals(record.key())) {
                String seq = KafkaHeaders.get(record.headers(), KafkaHeaders.SEQ);
                String raw = new String(record.value(), StandardCharsets.UTF_8);
                events.add(new Event(KafkaHeaders.get(record.headers(), KafkaHeaders.TYPE),
                        seq == null ? -1 : Long.parseLong(seq), KafkaHeaders.get(record.headers(), KafkaHeaders.ORIGIN),
                        Json.read(raw, JsonNode.class), raw));
            }
        }
        return List.copyOf(events);
    }

    /** Polls once and returns the seqs of the key seen so far, in the order Kafka holds them. */
    public List<Long> seqs() {
        return events().stream().map(Event::seq).toList();
    }

    @Override
    public void close() {
        consumer.close();
    }
}
