package dev.parley.sessions.messaging;

import dev.parley.events.EventTypes;
import dev.parley.events.Json;
import dev.parley.events.StreamKey;
import dev.parley.events.Envelope;
import dev.parley.events.payload.LiveSnapshot;
import dev.parley.platform.kafka.ParleyKafka;
import dev.parley.sessions.config.SessionsConfig;
import dev.parley.sessions.metrics.SessionsMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Publishes {@code live.updated} (the whole snapshot, no seq) to the ephemeral topic, coalesced per session: the
 * first update after a quiet window goes out at once; updates inside the window only replace the pending snapshot,
 * which a trailing publish sends when the window ends (latest wins). A snapshot that ends the turn (status other than
 * {@code running}) is sent at once. Nothing of this touches the stream log.
 */
@ApplicationScoped
public class LivePublisher {

    private static final Logger LOG = Logger.getLogger(LivePublisher.class);

    private final ParleyKafka kafka;
    private final long windowMillis;
    private final Counter published;
    private final Map<String, Slot> slots = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("live-coalescer").factory());

    private static final class Slot {
        long lastSent;
        Envelope pending;
        String pendingOrigin;
        boolean scheduled;
    }

    public LivePublisher(ParleyKafka kafka, SessionsConfig config, MeterRegistry registry) {
        this.kafka = kafka;
        this.windowMillis = config.livePublishInterval().toMillis();
        this.published = registry.counter(SessionsMetrics.LIVE_PUBLISHED);
    }

    /** The {@code live.updated} envelope of a snapshot (also what a new subscriber gets first). */
    public static Envelope envelope(StreamKey key, LiveSnapshot snapshot) {
        return Envelope.ephemeral(key.name().wire(), EventTypes.LIVE_UPDATED,
                snapshot.updatedAt() == null ? Instant.now().truncatedTo(ChronoUnit.MILLIS) : snapshot.updatedAt(),
                snapshot);
    }

    public void publish(StreamKey key, LiveSnapshot snapshot, String origin) {
        Envelope envelope = envelope(key, snapshot);
        String k = key.value();
        boolean now;
        synchronized (this) {
            Slot slot = slots.computeIfAbsent(k, x -> new Slot());
            long t = System.currentTimeMillis();
            boolean final_ = !"running".equals(snapshot.status());
            if (final_ || (!slot.scheduled && t - slot.lastSent >= windowMillis)) {
                slot.lastSent = t;
                slot.pending = null;
                now = true;
            } else {
                slot.pending = envelope;
                slot.pendingOrigin = origin;
                now = false;
                if (!slot.scheduled) {
                    slot.scheduled = true;
                    long delay = Math.max(1, windowMillis - (t - slot.lastSent));
                    timer.schedule(() -> flush(k), delay, TimeUnit.MILLISECONDS);
                }
            }
            if (final_ && !slot.scheduled) {
                slots.remove(k);
            }
        }
        if (now) {
            send(k, envelope, origin);
        }
    }

    private void flush(String k) {
        Envelope envelope;
        String origin;
        synchronized (this) {
            Slot slot = slots.get(k);
            if (slot == null) {
                return;
            }
            slot.scheduled = false;
            envelope = slot.pending;
            origin = slot.pendingOrigin;
            slot.pending = null;
            if (envelope == null) {
                slots.remove(k);
                return;
            }
            slot.lastSent = System.currentTimeMillis();
        }
        send(k, envelope, origin);
    }

    private void send(String key, Envelope envelope, String origin) {
        kafka.send(kafka.topicNames().ephemeral(), key, EventTypes.LIVE_UPDATED, null, origin, Json.bytes(envelope))
                .subscribe().with(ok -> published.increment(),
                        e -> LOG.debugf("live.updated publish failed (the snapshot stays readable by REST): %s", e));
    }

    @PreDestroy
    void close() {
        timer.shutdownNow();
    }
}
