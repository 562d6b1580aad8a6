package dev.parley.presence;

import dev.parley.events.Envelope;
import dev.parley.events.Json;
import dev.parley.events.KafkaHeaders;
import dev.parley.events.Topics;
import dev.parley.events.payload.ConnectionEvent;
import dev.parley.events.payload.RosterEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The load scenario, as a tool (NOT a test: {@code verify} never runs it). Against a RUNNING
 * presence-service and its Kafka, it acts as one gateway instance and drives {@code --members} members (default
 * 10,000, spread over {@code --tenants} tenants) with 2 connections each through {@code parley.presence.connections},
 * and reads {@code parley.presence.changes} to measure:
 * <ol>
 *   <li>connect phase: both tabs of every member open → one {@code online} transition each; delay = first connect
 *       sent → its {@code presence.changed} received;</li>
 *   <li>reload phase: one tab of every member closes and reopens → must produce NO transition;</li>
 *   <li>leave phase: both tabs close → one {@code offline} each after the offline grace; reported delay minus the
 *       grace.</li>
 * </ol>
 * It prints transitions/s (received over the busy window of each phase) and p50 / p99 / max delays.
 * How to run: see presence-service/README.md ("Load scenario").
 */
public final class PresenceLoadTool {

    private final String bootstrap;
    private final int members;
    private final int tenants;
    private final Duration grace;
    private final Topics topics;
    private final String run = UUID.randomUUID().toString().substring(0, 6);
    private final String gateway = "load-gw-" + run;
    private final Map<String, Long> sentAt = new ConcurrentHashMap<>();
    private final Map<String, Long> onlineAt = new ConcurrentHashMap<>();
    private final Map<String, Long> offlineAt = new ConcurrentHashMap<>();
    private final List<String> unexpected = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean reloadPhase;
    private volatile boolean stopped;

    PresenceLoadTool(String bootstrap, int members, int tenants, Duration grace, String prefix) {
        this.bootstrap = bootstrap;
        this.members = members;
        this.tenants = tenants;
        this.grace = grace;
        this.topics = new Topics(prefix);
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new java.util.HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        new PresenceLoadTool(opts.getOrDefault("bootstrap", "localhost:9092"),
                Integer.parseInt(opts.getOrDefault("members", "10000")),
                Integer.parseInt(opts.getOrDefault("tenants", "10")),
                Duration.parse(opts.getOrDefault("grace", "PT30S")),
                opts.getOrDefault("topic-prefix", "")).run();
    }

    String tenant(int i) {
        return "load-" + run + "-" + (i % tenants);
    }

    String key(int i) {
        return tenant(i) + "/user:m" + i;
    }

    void run() throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "1",
                ProducerConfig.LINGER_MS_CONFIG, 2), new StringSerializer(), new ByteArraySerializer());
             KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                     ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new StringDeserializer(),
                     new ByteArrayDeserializer())) {
            String changes = topics.presenceChanges();
            List<TopicPartition> partitions = consumer.partitionsFor(changes).stream()
                    .map(p -> new TopicPartition(changes, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            ScheduledExecutorService beats = Executors.newSingleThreadScheduledExecutor();
            beats.scheduleAtFixedRate(() -> send(producer, gateway, new ConnectionEvent(ConnectionEvent.HEARTBEAT,
                    gateway, null, null, null, null, Instant.now())), 0, 1, TimeUnit.SECONDS);
            Thread reader = Thread.ofPlatform().daemon().start(() -> read(consumer));
            try {
                System.out.printf("load: %d members x 2 connections over %d tenants, gateway %s%n", members, tenants,
                        gateway);
                long start = System.nanoTime();
                for (int i = 0; i < members; i++) {
                    sentAt.put(key(i), System.nanoTime());
                    member(producer, ConnectionEvent.CONNECT, i, "a");
                    member(producer, ConnectionEvent.CONNECT, i, "b");
                }
                producer.flush();
                waitFor(onlineAt, Duration.ofMinutes(2));
                report("connect -> online", start, onlineAt, Duration.ZERO);

                reloadPhase = true;
                for (int i = 0; i < members; i++) {
                    member(producer, ConnectionEvent.DISCONNECT, i, "a");
                    member(producer, ConnectionEvent.CONNECT, i, "a2");
                }
                producer.flush();
                Thread.sleep(grace.plusSeconds(5).toMillis()); // a tool, not a test: let the grace pass for real
                reloadPhase = false;
                System.out.printf("reload (one tab closed and reopened): %d unexpected transitions%n",
                        unexpected.size());

                start = System.nanoTime();
                sentAt.clear();
                for (int i = 0; i < members; i++) {
                    sentAt.put(key(i), System.nanoTime());
                    member(producer, ConnectionEvent.DISCONNECT, i, "a2");
                    member(producer, ConnectionEvent.DISCONNECT, i, "b");
                }
                producer.flush();
                waitFor(offlineAt, grace.plus(Duration.ofMinutes(2)));
                report("disconnect -> offline (minus grace)", start, offlineAt, grace);
            } finally {
                beats.shutdownNow();
                stopped = true;
                reader.join(2000);
            }
        }
    }

    private void read(KafkaConsumer<String, byte[]> consumer) {
        String prefix = "load-" + run + "-";
        while (!stopped) {
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                if (r.key() == null || !r.key().startsWith(prefix) || r.value() == null) {
                    continue;
                }
                long now = System.nanoTime();
                RosterEntry entry = Json.read(r.value(), Envelope.class).dataAs(RosterEntry.class);
                if (reloadPhase) {
                    unexpected.add(r.key() + " " + entry.status());
                } else if (RosterEntry.ONLINE.equals(entry.status())) {
                    onlineAt.putIfAbsent(r.key(), now);
                } else if (RosterEntry.OFFLINE.equals(entry.status())) {
                    offlineAt.putIfAbsent(r.key(), now);
                }
            }
        }
    }

    private void member(KafkaProducer<String, byte[]> producer, String kind, int i, String tab) {
        send(producer, tenant(i), new ConnectionEvent(kind, gateway, "m" + i + "-" + tab, tenant(i), "user:m" + i,
                "Member " + i, Instant.now()));
    }

    private void send(KafkaProducer<String, byte[]> producer, String key, ConnectionEvent event) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topics.presenceConnections(), key,
                Json.bytes(event));
        KafkaHeaders.put(record.headers(), KafkaHeaders.TYPE, event.kind());
        producer.send(record);
    }

    private void waitFor(Map<String, Long> seen, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (seen.size() < members && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
    }

    private void report(String phase, long start, Map<String, Long> received, Duration minus) {
        List<Long> delays = new ArrayList<>();
        long last = start;
        for (Map.Entry<String, Long> e : received.entrySet()) {
            Long sent = sentAt.get(e.getKey());
            if (sent != null) {
                delays.add(e.getValue() - sent - minus.toNanos());
                last = Math.max(last, e.getValue());
            }
        }
        Collections.sort(delays);
        double seconds = Math.max(1e-9, (last - start) / 1e9);
        System.out.printf("%s: %d/%d transitions in %.2f s = %.0f transitions/s; delay p50 %.1f ms, p99 %.1f ms, "
                        + "max %.1f ms%n", phase, delays.size(), members, seconds, delays.size() / seconds,
                pct(delays, 0.50), pct(delays, 0.99), delays.isEmpty() ? 0 : delays.getLast() / 1e6);
    }

    private static double pct(List<Long> sorted, double p) {
        if (sorted.isEmpty()) {
            return 0;
        }
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1)) / 1e6;
    }
}
