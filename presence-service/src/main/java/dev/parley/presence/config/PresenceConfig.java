package dev.parley.presence.config;

import dev.parley.presence.domain.PresenceRules;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Presence settings ({@code parley.presence.*}); API.md §3 and §7 give the defaults. */
@ConfigMapping(prefix = "parley.presence")
public interface PresenceConfig {

    /**
     * Duration: a connected member without activity for longer than this is {@code idle}. Default 5 min (API.md §7):
     * long enough that reading without typing is still "online", short enough that a left-open tab goes idle.
     */
    @WithDefault("5m")
    Duration idleAfter();

    /**
     * Duration: a member with no open connection for this long is {@code offline}. Default 30 s (API.md §7): a page
     * reload or a network blip reconnects well inside it, so the roster does not flap.
     */
    @WithDefault("30s")
    Duration offlineGrace();

    /**
     * Duration: how often gateways heartbeat (must match {@code parley.gateway.heartbeat-interval}). Default 5 s,
     * the gateway's default.
     */
    @WithDefault("5s")
    Duration heartbeatInterval();

    /**
     * Count: a gateway that misses this many heartbeats in a row has all its connections dropped. Default 3
     * (15 s with the default interval): one lost or late heartbeat never drops anyone, a dead gateway's members
     * still go offline within interval × count + offline-grace.
     */
    @WithDefault("3")
    int heartbeatMissCount();

    /**
     * Duration: the longest the fold waits between checks of its timers and of gateway heartbeat timeouts. Default
     * 250 ms. Member timers (idle, offline grace, rebuild hold) fire at their deadline from a queue (within 20 ms,
     * ADR 0023), so this bounds only how late a dead gateway is noticed.
     */
    @WithDefault("250ms")
    Duration tick();

    /**
     * Duration: how long start-up waits for the state to be rebuilt from the compacted topics before serving
     * anyway (readiness stays DOWN until it is). Default 60 s: a large roster reads in seconds; a longer wait means
     * Kafka is unreachable and the readiness probe says so.
     */
    @WithDefault("60s")
    Duration rebuildTimeout();

    /**
     * Consumer group of the connection-event fold: instances of one group split the tenants by partition. Default
     * {@code parley-presence}; a second presence deployment on the same topics needs its own.
     */
    @WithDefault("parley-presence")
    String consumerGroup();

    default PresenceRules rules() {
        return PresenceRules.of(idleAfter(), offlineGrace(), heartbeatInterval(), heartbeatMissCount());
    }
}
