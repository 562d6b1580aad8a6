package dev.parley.sessions.messaging;

import dev.parley.events.Envelope;
import dev.parley.events.EventTypes;
import dev.parley.events.Json;
import dev.parley.events.StreamKey;
import dev.parley.events.payload.LiveSnapshot;
import dev.parley.platform.kafka.ParleyKafka;
import dev.parley.sessions.config.SessionsConfig;
import dev.parley.sessions.domain.Coalescer;
import dev.parley.sessions.metrics.SessionsMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Publishes {@code live.updated} (the whole snapshot, no seq) to the ephemeral topic, coalesced per session (ADR 0053)
 * and flushed for all sessions together on a {@code live-publish-grid} time grid (ADR 0055): a write only records its
 * snapshot (latest wins); one timer thread releases what is due, at most one snapshot per session per
 * {@code live-publish-interval} (a snapshot that ends the turn at once), and the snapshots of one flush reach the
 * producer back to back, so Kafka sends them in one request. Nothing of this touches the stream log; the request
 * thread never sends.
 */
@ApplicationScoped
public class LivePublisher {

    private static final Logger LOG = Logger.getLogger(LivePublisher.class);

    private record Pending(String key, Envelope envelope, String origin) {
    }

    private final ParleyKafka kafka;
    private final Counter published;
    private final Coalescer<Pending> coalescer;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("live-coalescer").factory());
    /** The flush the timer will run next (guarded by this); an older scheduled flush finds its generation stale. */
    private long generation;
    private long scheduledAt = Long.MAX_VALUE;

    public LivePublisher(ParleyKafka kafka, SessionsConfig config, MeterRegistry registry) {
        this.kafka = kafka;
        this.published = registry.counter(SessionsMetrics.LIVE_PUBLISHED);
        this.coalescer = new Coalescer<>(config.livePublishInterval().toMillis(), config.livePublishGrid().toMillis());
    }

    /** The {@code live.updated} envelope of a snapshot (also what a new subscriber gets first). */
    public static Envelope envelope(StreamKey key, LiveSnapshot snapshot) {
        return Envelope.ephemeral(key.name().wire(), EventTypes.LIVE_UPDATED,
                snapshot.updatedAt() == null ? Instant.now().truncatedTo(ChronoUnit.MILLIS) : snapshot.updatedAt(),
                snapshot);
    }

    public void publish(StreamKey key, LiveSnapshot snapshot, String origin) {
        Pending pending = new Pending(key.value(), envelope(key, snapshot), origin);
        boolean last = !LiveSnapshot.RUNNING.equals(snapshot.status());
        synchronized (this) {
            long now = System.currentTimeMillis();
            long at = coalescer.offer(pending.key(), pending, last, now);
            if (at < scheduledAt) {
                schedule(at, now);
            }
        }
    }

    /** Under the lock. */
    private void schedule(long at, long now) {
        long mine = ++generation;
        scheduledAt = at;
        timer.schedule(() -> flush(mine), Math.max(0, at - now), TimeUnit.MILLISECONDS);
    }

    private void flush(long mine) {
        List<Pending> due;
        synchronized (this) {
            if (mine != generation) {
                return;
            }
            long now = System.currentTimeMillis();
            due = coalescer.flush(now);
            scheduledAt = Long.MAX_VALUE;
            OptionalLong next = coalescer.next(now);
            if (next.isPresent()) {
                schedule(next.getAsLong(), now);
            }
        }
        for (Pending p : due) {
            kafka.send(kafka.topicNames().ephemeral(), p.key(), EventTypes.LIVE_UPDATED, null, p.origin(),
                            Json.bytes(p.envelope()))
                    .subscribe().with(ok -> published.increment(),
                            e -> LOG.debugf("live.updated publish failed (the snapshot stays readable by REST): %s", e));
        }
    }

    @PreDestroy
    void close() {
        timer.shutdownNow();
    }
}
