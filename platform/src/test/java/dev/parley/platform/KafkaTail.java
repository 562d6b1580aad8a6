package dev.parley.platform;

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

/** Reads a whole topic from the beginning and keeps the seqs of one stream key, in the order Kafka holds them. */
final class KafkaTail implements AutoCloseable {

    private final KafkaConsumer<String, byte[]> consumer;
    private final String key;
    private final List<Long> seqs = new ArrayList<>();

    KafkaTail(String topic, String key) {
        this.key = key;
        consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", ParleyTestResources.kafka().bootstrapServers()),
                new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Polls once and returns every seq of the key seen so far. */
    List<Long> seqs() {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(300))) {
            if (key.equals(record.key())) {
                seqs.add(Long.parseLong(KafkaHeaders.get(record.headers(), KafkaHeaders.SEQ)));
            }
        }
        return List.copyOf(seqs);
    }

    @Override
    public void close() {
        consumer.close();
    }
}
