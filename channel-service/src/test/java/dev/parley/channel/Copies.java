package dev.parley.channel;

import dev.parley.testing.ParleyTestResources;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.ConfigProvider;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Where a channel message's text or file names could still be: every table of the channel database (stream log and
 * idempotency records included), every file of the filesystem blob store, every record the Kafka topic retains.
 */
final class Copies {

    private Copies() {
    }

    /** "table: row" for every row of every table of the channel database whose text contains {@code marker}. */
    static List<String> inTables(String marker) throws Exception {
        List<String> found = new ArrayList<>();
        try (Connection c = ParleyTestResources.postgres().connect("channel")) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = c.createStatement().executeQuery("SELECT table_name FROM information_schema.tables "
                    + "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            for (String table : tables) {
                try (PreparedStatement st = c.prepareStatement("SELECT t::text FROM \"" + table + "\" t "
                        + "WHERE strpos(t::text, ?) > 0")) {
                    st.setString(1, marker);
                    ResultSet rs = st.executeQuery();
                    while (rs.next()) {
                        found.add(table + ": " + rs.getString(1));
                    }
                }
            }
            if (!tables.containsAll(List.of("channel_message", "stream_log", "idempotency_keys", "channel_attachment"))) {
                throw new IllegalStateException("not the channel schema: " + tables);
            }
        }
        return found;
    }

    /** Files of the filesystem blob store whose path or bytes contain {@code marker}. */
    static List<String> inBlobs(String marker) {
        Path root = Path.of(ConfigProvider.getConfig().getValue("parley.channel.blobs.directory", String.class));
        byte[] needle = marker.getBytes(StandardCharsets.UTF_8);
        List<String> found = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return found;
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                if (file.toString().contains(marker) || contains(Files.readAllBytes(file), needle)) {
                    found.add(file.toString());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** Every record the topic retains now, from each partition's log start to its end. */
    static List<ConsumerRecord<String, byte[]>> onKafka(String topic) {
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
                Map.of("bootstrap.servers", ParleyTestResources.kafka().bootstrapServers()),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end");
                }
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    /** The records among {@code records} whose value contains {@code marker}. */
    static List<ConsumerRecord<String, byte[]>> carrying(List<ConsumerRecord<String, byte[]>> records, String marker) {
        return records.stream().filter(r -> new String(r.value(), StandardCharsets.UTF_8).contains(marker)).toList();
    }

    /** A topic setting as the broker reports it. */
    static String topicConfig(String topic, String name) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", ParleyTestResources.kafka().bootstrapServers()))) {
            ConfigEntry entry = admin.describeConfigs(List.of(resource)).all().get(15, TimeUnit.SECONDS)
                    .get(resource).get(name);
            return entry == null ? null : entry.value();
        }
    }
}
