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
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Consumes rooms-service's events ({@code parley.rooms.events.v1}, group {@code session-relay-mentions}) on its own
 * thread and hands each room {@code message.created} that routes to a person to {@link MentionService}. Every rooms
 * event passes through here and almost none is a mention, so the common case stays cheap (ADR 0056):
 * <ul>
 *   <li>the type header filters first; a message is read only as far as its {@code routes}; only one routed to a
 *       {@code user:} is read whole and handled (a database transaction);</li>
 *   <li>a fetch gathers up to 64 KiB for at most {@code mentions-fetch-wait} (250 ms): a few fetches a second at any
 *       rate, not one per event;</li>
 *   <li>offsets are committed by the consumer (auto-commit, at a {@code poll}, every 5 s). A poll happens only after
 *       every record of the previous one was handled (its transaction committed), so a committed offset never passes
 *       an unhandled record; a crash redelivers at most the last seconds, which the (room, seq, user) claim makes
 *       harmless.</li>
 * </ul>
 * A record that fails (database down) is retried from its offset after a pause; nothing is skipped.
 */
@ApplicationScoped
public class MentionConsumer {

    private static final Logger LOG = Logger.getLogger(MentionConsumer.class);
    /** A fetch returns once this much has gathered or after {@code mentions-fetch-wait}. */
    private static final int FETCH_MIN_BYTES = 64 * 1024;

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
            try (KafkaConsumer<String, byte[]> c = kafka.consumer(config.mentionsGroup(), Map.of(
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, true,
                    ConsumerConfig.FETCH_MIN_BYTES_CONFIG, FETCH_MIN_BYTES,
                    ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, (int) config.mentionsFetchWait().toMillis()))) {
                consumer = c;
                c.subscribe(List.of(kafka.topicNames().events(Service.ROOMS)));
                while (!closed) {
                    ConsumerRecords<String, byte[]> records = c.poll(Duration.ofMillis(500));
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
                        }
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
        Routed routed;
        try {
            routed = Json.read(record.value(), Routed.class);
        } catch (RuntimeException e) {
            LOG.warnf("skipping an unreadable rooms event at offset %d: %s", record.offset(), e.toString());
            return;
        }
        if (routed.data() == null || MentionService.people(routed.data().routes()).isEmpty()) {
            return;
        }
        Envelope envelope = Json.read(record.value(), Envelope.class);
        VertxContextSupport.subscribeAndAwait(() -> mentions.handle(record.key(), envelope));
    }

    /** A rooms event read only as far as a message's routes (Jackson skips everything else). */
    record Routed(RoutedData data) {
    }

    record RoutedData(List<String> routes) {
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
