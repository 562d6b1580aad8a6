package dev.parley.sessions.messaging;

import dev.parley.events.Envelope;
import dev.parley.events.EventTypes;
import dev.parley.events.Json;
import dev.parley.events.KafkaHeaders;
import dev.parley.events.Service;
import dev.parley.platform.kafka.ParleyKafka;
import dev.parley.sessions.config.SessionsConfig;
import dev.parley.sessions.service.MentionService;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.VertxContextSupport;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Consumes rooms-service's events ({@code parley.rooms.events.v1}, group {@code session-relay-mentions}) on its own
 * thread and hands each room {@code message.created} to {@link MentionService}. Offsets are committed after the
 * records' transactions commit, so a crash redelivers — which the (room, seq, user) claim makes harmless. A record
 * that fails (database down) is retried from its offset after a pause; nothing is skipped.
 */
@ApplicationScoped
public class MentionConsumer {

    private static final Logger LOG = Logger.getLogger(MentionConsumer.class);

    private final ParleyKafka kafka;
    private final MentionService mentions;
    private final SessionsConfig config;
    private volatile boolean closed;
    private volatile KafkaConsumer<String, byte[]> consumer;

    public MentionConsumer(ParleyKafka kafka, MentionService mentions, SessionsConfig config) {
        this.kafka = kafka;
        this.mentions = mentions;
        this.config = config;
    }

    void start(@Observes StartupEvent event) {
        if (config.mentionsEnabled()) {
            Thread.ofPlatform().daemon().name("mention-consumer").start(this::run);
        }
    }

    private void run() {
        while (!closed) {
            try (KafkaConsumer<String, byte[]> c = kafka.consumer(config.mentionsGroup(), Map.of())) {
                consumer = c;
                c.subscribe(List.of(kafka.topicNames().events(Service.ROOMS)));
                while (!closed) {
                    ConsumerRecords<String, byte[]> records = c.poll(Duration.ofMillis(500));
                    Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
                    for (TopicPartition partition : records.partitions()) {
                        for (ConsumerRecord<String, byte[]> record : records.records(partition)) {
                            try {
                                process(record);
                            } catch (Throwable e) {
                                LOG.warnf("mention processing failed at %s@%d, retrying: %s", partition,
                                        record.offset(), e.toString());
                                c.seek(partition, record.offset());
                                pause();
                                break;
                            }
                            done.put(partition, new OffsetAndMetadata(record.offset() + 1));
                        }
                    }
                    if (!done.isEmpty()) {
                        c.commitSync(done);
                    }
                }
            } catch (WakeupException e) {
                return;
            } catch (Exception e) {
                if (!closed) {
                    LOG.warnf("mention consumer restarting after: %s", e.toString());
                    pause();
                }
            }
        }
    }

    private void process(ConsumerRecord<String, byte[]> record) throws Throwable {
        String type = KafkaHeaders.get(record.headers(), KafkaHeaders.TYPE);
        if (record.value() == null || (type != null && !EventTypes.MESSAGE_CREATED.equals(type))
                || record.key() == null || !record.key().contains("/room:")) {
            return;
        }
        Envelope envelope;
        try {
            envelope = Json.read(record.value(), Envelope.class);
        } catch (RuntimeException e) {
            LOG.warnf("skipping an unreadable rooms event at offset %d: %s", record.offset(), e.toString());
            return;
        }
        VertxContextSupport.subscribeAndAwait(() -> mentions.handle(record.key(), envelope));
    }

    private void pause() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @PreDestroy
    void close() {
        closed = true;
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }
}
