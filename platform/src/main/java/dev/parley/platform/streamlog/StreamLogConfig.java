package dev.parley.platform.streamlog;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/**
 * The transactional outbox + per-stream log. Build-time switch: {@code parley.stream-log.enabled=false} removes it
 * from services that own no durable stream (gateway, presence).
 */
@ConfigMapping(prefix = "parley.stream-log")
public interface StreamLogConfig {

    /**
     * Whether this service owns durable streams (read at build time by the beans' {@code @IfBuildProperty}; listed
     * here so the key is documented and validated).
     */
    @WithDefault("true")
    boolean enabled();

    /** Events the relay publishes per round trip. Larger batches amortise the commit; 500 keeps a round short. */
    @WithDefault("500")
    int relayBatchSize();

    /**
     * Fallback poll of the relay. A commit wakes the relay at once through PostgreSQL {@code NOTIFY}; this interval
     * only matters if a notification is lost (reconnect), so it is never in the normal delivery path.
     */
    @WithDefault("1s")
    Duration relayPollInterval();

    /** Largest page of the internal replay API (the gateway pages through longer gaps). */
    @WithDefault("1000")
    int replayMaxPage();

    /**
     * Largest event envelope, in UTF-8 bytes of its JSON ({@code 512K}): an append over it is refused with 422
     * {@code event.too_large} before anything is written. Well under Kafka's default 1 MiB record limit, so every
     * event the log accepts is one the broker accepts.
     */
    @WithDefault("512K")
    MemorySize maxEventSize();

    /**
     * Largest replay page in bytes of its envelopes ({@code 1M}; at least one event is always returned): with
     * 512 KiB events a page of 1,000 would otherwise be half a gigabyte in the owner and the gateway.
     */
    @WithDefault("1M")
    MemorySize replayMaxPageBytes();

    /**
     * How often the outbox backlog (pending rows, oldest pending age, dead letters) is sampled into its gauges. A
     * stuck relay that throws nothing still shows there; 15 s matches a Prometheus scrape.
     */
    @WithDefault("15s")
    Duration backlogSampleInterval();
}
