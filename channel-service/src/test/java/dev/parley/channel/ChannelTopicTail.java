package dev.parley.channel;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.events.Json;
import dev.parley.events.KafkaHeaders;
import dev.parley.testing.ParleyTestResources;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A plain Kafka consumer of a topic from the beginning, keeping the records of one key (envelopes as JSON). */
final class ChannelTopicTail implements AutoCloseable {

    /** One record: its headers and its value. */
    record Event(String type, long seq, String origin, JsonNode envelope, String raw) {
    }

    private final KafkaConsumer<String, byte[]> consumer;
    private final String key;
    private final List<Event> events = new ArrayList<>();

    ChannelTopicTail(String topic, String key) {
        this.key = key;
        consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", ParleyTestResources.kafka().bootstrapServers()),
                new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Polls once and returns every event of the key seen so far, in the order Kafka holds them. */
    List<Event> events() {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(300))) {
            if (key.equals(record.key())) {
                String seq = KafkaHeaders.get(record.headers(), KafkaHeaders.SEQ);
                String raw = new String(record.value(), java.nio.charset.StandardCharsets.UTF_8);
                events.add(new Event(KafkaHeaders.get(record.headers(), KafkaHeaders.TYPE),
                        seq == null ? -1 : Long.parseLong(seq), KafkaHeaders.get(record.headers(), KafkaHeaders.ORIGIN),
                        Json.read(raw, JsonNode.class), raw));
            }
        }
        return List.copyOf(events);
    }

    @Override
    public void close() {
        consumer.close();
    }
}
