package dev.parley.platform.kafka;

import dev.parley.events.KafkaHeaders;
import dev.parley.events.Service;
import dev.parley.events.Topics;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.event.Observes;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The one Kafka producer of a service (idempotent, {@code acks=all}) and the factory of its consumers, both from
 * Quarkus' {@code kafka.*} configuration. Also creates Parley's topics when asked to.
 */
@ApplicationScoped
public class ParleyKafka {

    private static final Logger LOG = Logger.getLogger(ParleyKafka.class);

    private final Map<String, Object> base;
    private final KafkaSettings settings;
    private final Topics topics;
    private volatile KafkaProducer<String, byte[]> producer;
    private volatile boolean topicsEnsured;
    private final java.util.concurrent.ExecutorService sender = java.util.concurrent.Executors.newSingleThreadExecutor(
            r -> Thread.ofPlatform().daemon().name("kafka-send").unstarted(r));

    public ParleyKafka(@Identifier("default-kafka-broker") Map<String, Object> kafkaConfig, KafkaSettings settings) {
        this.base = new HashMap<>();
        kafkaConfig.forEach((k, v) -> {
            // Quarkus' map carries a few keys of its own that clients reject as unknown; keep client settings only
            if (!k.startsWith("devservices") && !k.startsWith("health") && !k.startsWith("snappy")) {
                base.put(k, v);
            }
        });
        this.settings = settings;
        this.topics = new Topics(settings.topicPrefix().orElse(""));
    }

    @Produces
    @Singleton
    Topics topics() {
        return topics;
    }

    public Topics topicNames() {
        return topics;
    }

    public KafkaProducer<String, byte[]> producer() {
        KafkaProducer<String, byte[]> p = producer;
        if (p == null) {
            synchronized (this) {
                if (producer == null) {
                    ensureTopics();
                    Map<String, Object> config = new HashMap<>(base);
                    config.put(ProducerConfig.ACKS_CONFIG, "all");
                    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
                    config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
                    config.put(ProducerConfig.LINGER_MS_CONFIG, 1);
                    int delivery = (int) settings.deliveryTimeout().toMillis();
                    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, delivery);
                    config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(delivery - 1, 5000));
                    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Math.min(delivery, 5000));
                    producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
                }
                p = producer;
            }
        }
        return p;
    }

    /**
     * Creates the topics and the producer at start-up, off the main and event-loop threads, so that no request ever
     * waits for topic creation or the first metadata fetch.
     */
    void warm(@Observes StartupEvent event) {
        Thread.ofVirtual().name("kafka-warm-up").start(() -> {
            try {
                producer();
            } catch (RuntimeException e) {
                LOG.warnf("Kafka producer not ready yet (%s); the first send will retry", e.toString());
            }
        });
    }

    /**
     * Sends one record; the Uni completes when the broker acknowledged it (or fails). Never blocks the caller:
     * {@code KafkaProducer.send} itself can block (creating the producer, or waiting for metadata while a broker is
     * away), so every send is handed to one dedicated thread, which also keeps sends in the order they were made.
     */
    public Uni<RecordMetadata> send(String topic, String key, String type, Long seq, String origin, byte[] value) {
        return doSend(topic, key, type, seq, origin, value).runSubscriptionOn(sender);
    }

    /**
     * Drops a producer whose send expired or failed transiently (a broker outage longer than the delivery timeout):
     * closing it at once aborts the records queued behind the failed one. Otherwise the idempotent producer, after
     * an expired batch, sends its successors, and a stream's events reach the topic out of order ahead of the
     * retry (seen as 1, 3, 4, 5, 2, 3, … in a loaded CI run). The next send creates a new producer.
     */
    private void abandon(KafkaProducer<String, byte[]> failed) {
        synchronized (this) {
            if (producer != failed) {
                return;
            }
            producer = null;
        }
        failed.close(Duration.ZERO); // allowed from a send callback; fails what is still queued
    }

    private Uni<RecordMetadata> doSend(String topic, String key, String type, Long seq, String origin, byte[] value) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, value);
        KafkaHeaders.put(record.headers(), KafkaHeaders.TYPE, type);
        KafkaHeaders.put(record.headers(), KafkaHeaders.SEQ, seq == null ? null : seq.toString());
        KafkaHeaders.put(record.headers(), KafkaHeaders.ORIGIN, origin);
        return Uni.createFrom().emitter(emitter -> {
            try {
                KafkaProducer<String, byte[]> p = producer();
                p.send(record, (metadata, error) -> {
                    if (error != null) {
                        if (error instanceof RetriableException) {
                            abandon(p);
                        }
                        emitter.fail(error);
                    } else {
                        emitter.complete(metadata);
                    }
                });
            } catch (RuntimeException e) {
                emitter.fail(e);
            }
        });
    }

    /** A consumer of keys as strings and values as bytes; {@code groupId} null for an assign-only consumer. */
    public KafkaConsumer<String, byte[]> consumer(String groupId, Map<String, Object> overrides) {
        ensureTopics();
        Map<String, Object> config = new HashMap<>(base);
        if (groupId != null) {
            config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        }
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.putAll(overrides);
        return new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
    }

    public Map<String, Object> clientConfig() {
        return Map.copyOf(base);
    }

    /** Creates every Parley topic that does not exist yet (idempotent; once per process). */
    public synchronized void ensureTopics() {
        if (topicsEnsured || !settings.createTopics()) {
            return;
        }
        int partitions = settings.partitions();
        short rf = settings.replicationFactor();
        Map<String, String> compact = Map.of("cleanup.policy", "compact", "min.compaction.lag.ms", "0",
                "segment.ms", "3600000");
        List<NewTopic> wanted = List.of(
                new NewTopic(topics.events(Service.CHANNEL), partitions, rf)
                        .configs(Map.of("retention.ms", Long.toString(TimeUnit.DAYS.toMillis(7)))),
                new NewTopic(topics.events(Service.ROOMS), partitions, rf),
                new NewTopic(topics.events(Service.SESSIONS), partitions, rf),
                new NewTopic(topics.ephemeral(), partitions, rf)
                        .configs(Map.of("retention.ms", Long.toString(TimeUnit.HOURS.toMillis(1)))),
                new NewTopic(topics.presenceConnections(), partitions, rf)
                        .configs(Map.of("retention.ms", Long.toString(TimeUnit.HOURS.toMillis(1)))),
                new NewTopic(topics.presenceChanges(), partitions, rf).configs(compact),
                new NewTopic(topics.roster(), partitions, rf).configs(compact),
                new NewTopic(topics.discovery(), partitions, rf).configs(compact));
        try (Admin admin = Admin.create(base)) {
            var results = admin.createTopics(wanted).values();
            for (var result : results.values()) {
                try {
                    result.get(15, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
            topicsEnsured = true;
        } catch (Exception e) {
            LOG.warnf("could not ensure Kafka topics yet (%s); will retry", e.toString());
        }
    }

    @PreDestroy
    void close() {
        sender.shutdown();
        if (producer != null) {
            producer.close(java.time.Duration.ofSeconds(5));
        }
    }
}
