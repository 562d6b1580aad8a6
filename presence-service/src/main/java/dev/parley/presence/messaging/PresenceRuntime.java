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
        view = new PresenceView(() -> kafka.consumer(null, Map.of()), topics, state.directory());
        folder = new ConnectionFolder(() -> kafka.consumer(config.consumerGroup(), Map.of()), topics,
                config.rules(), view, new KafkaTransitionSink(kafka, registry, clock), clock, config.tick(), meters);
        heartbeats = new HeartbeatListener(() -> kafka.consumer(null, Map.of()), topics.presenceConnections(),
                folder::heartbeat, clock);
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
