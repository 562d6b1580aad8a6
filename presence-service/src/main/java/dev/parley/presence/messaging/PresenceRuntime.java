package dev.parley.presence.messaging;

import dev.parley.events.Topics;
import dev.parley.platform.kafka.ParleyKafka;
import dev.parley.presence.config.PresenceConfig;
import dev.parley.presence.metrics.PresenceMetrics;
import dev.parley.presence.service.PresenceState;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Starts presence's three readers at start-up and waits (bounded) for the state to be rebuilt before serving:
 * the {@link PresenceView} (all tenants' roster, statuses, discovery), the {@link ConnectionFolder} (the fold of
 * this instance's tenant partitions) and the {@link HeartbeatListener} (every gateway's heartbeats).
 */
@ApplicationScoped
public class PresenceRuntime {

    private static final Logger LOG = Logger.getLogger(PresenceRuntime.class);

    private final ParleyKafka kafka;
    private final PresenceConfig config;
    private final MeterRegistry registry;
    private final PresenceState state;
    private final Clock clock = Clock.systemUTC();
    private final AtomicLong online = new AtomicLong();
    private final AtomicLong idle = new AtomicLong();
    private PresenceView view;
    private ConnectionFolder folder;
    private HeartbeatListener heartbeats;

    public PresenceRuntime(ParleyKafka kafka, PresenceConfig config, MeterRegistry registry, PresenceState state) {
        this.kafka = kafka;
        this.state = state;
        this.config = config;
        this.registry = registry;
    }

    void start(@Observes StartupEvent event) throws InterruptedException {
        Topics topics = kafka.topicNames();
        kafka.ensureTopics();
        registry.gauge(PresenceMetrics.MEMBERS_ONLINE, online);
        registry.gauge(PresenceMetrics.MEMBERS_IDLE, idle);
        for (String status : new String[] {"online", "idle", "offline"}) {
            registry.counter(PresenceMetrics.TRANSITIONS, "status", status);
        }
        Timer lag = Timer.builder(PresenceMetrics.FOLD_LAG).publishPercentiles(0.5, 0.99).register(registry);
        ConnectionFolder.Meters meters = new ConnectionFolder.Meters() {
            @Override
            public void lag(Duration value) {
                lag.record(value.isNegative() ? Duration.ZERO : value);
            }

            @Override
            public void invalid() {
                registry.counter(PresenceMetrics.EVENTS_INVALID).increment();
            }

            @Override
            public void counts(long onlineNow, long idleNow) {
                online.set(onlineNow);
                idle.set(idleNow);
            }
        };
        // Fetches are batched (ADR 0023): under churn a fetch per few records costs more CPU than the records
        // themselves. The fold and the view wait at most FOLD_FETCH_WAIT for FETCH_BYTES; the heartbeat listener,
        // which reads every connection event for the few heartbeats among them, up to a tenth of the heartbeat
        // interval (≤ 500 ms: nothing against a timeout of interval × miss count).
        view = new PresenceView(() -> kafka.consumer(null, batched(FOLD_FETCH_WAIT)), topics, state.directory());
        folder = new ConnectionFolder(() -> kafka.consumer(config.consumerGroup(), batched(FOLD_FETCH_WAIT)), topics,
                config.rules(), view, new KafkaTransitionSink(kafka, registry, clock), clock, config.tick(), meters);
        heartbeats = new HeartbeatListener(() -> kafka.consumer(null, batched(heartbeatFetchWait(config))),
                topics.presenceConnections(), folder::heartbeat, clock);
        view.start();
        folder.start();
        heartbeats.start();
        // warm the producer and its metadata here, so no request thread ever blocks on it
        try {
            kafka.producer().partitionsFor(topics.presenceConnections());
            kafka.producer().partitionsFor(topics.presenceChanges());
            kafka.producer().partitionsFor(topics.discovery());
        } catch (RuntimeException e) {
            LOG.warnf("Kafka producer not ready yet: %s", e.toString());
        }
        long deadline = System.nanoTime() + config.rebuildTimeout().toNanos();
        if (!view.awaitCaughtUp(config.rebuildTimeout())) {
            LOG.warnf("presence state not rebuilt within %s; not ready until it is", config.rebuildTimeout());
            return;
        }
        while (!folder.isRebuilt() && System.nanoTime() < deadline) {
            Thread.sleep(50); // start-up thread, not an event loop: the fold joins its group and replays
        }
    }

    /** How long a fetch of the fold and of the view may wait for more records (adds at most this to a change). */
    static final Duration FOLD_FETCH_WAIT = Duration.ofMillis(20);
    static final int FETCH_BYTES = 64 * 1024;

    static Duration heartbeatFetchWait(PresenceConfig config) {
        Duration tenth = config.heartbeatInterval().dividedBy(10);
        return tenth.compareTo(Duration.ofMillis(500)) < 0 ? tenth : Duration.ofMillis(500);
    }

    private static Map<String, Object> batched(Duration wait) {
        return Map.of(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, FETCH_BYTES,
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, (int) wait.toMillis());
    }

    void stop(@Observes ShutdownEvent event) {
        if (heartbeats != null) {
            heartbeats.close();
            folder.close();
            view.close();
        }
    }

    public ConnectionFolder folder() {
        return folder;
    }

    public boolean ready() {
        return state.ready();
    }
}
