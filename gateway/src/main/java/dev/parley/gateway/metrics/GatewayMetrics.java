package dev.parley.gateway.metrics;

/** Every metric of the gateway, in one place. Tags are bounded: {@code transport} (ws|sse), {@code service}. */
public final class GatewayMetrics {
    /** Gauge: open stream connections, tag {@code transport}. */
    public static final String CONNECTIONS = "parley.gateway.connections";
    /** Gauge: active stream subscriptions (all connections). */
    public static final String SUBSCRIPTIONS = "parley.gateway.subscriptions";
    /** Counter: event frames written to connections, tag {@code transport}. */
    public static final String EVENTS_FANNED_OUT = "parley.gateway.events.fanned.out";
    /** Timer (histogram): envelope {@code at} → written to the socket, live events only. */
    public static final String FANOUT_LATENCY = "parley.gateway.fanout.latency";
    /** Counter: connections closed because their outbound buffer overflowed, tag {@code transport}. */
    public static final String SLOW_CONSUMER_DISCONNECTS = "parley.gateway.slow.consumer.disconnects";
    /** Counter: replays from an owner's log (resume and gap fills). */
    public static final String REPLAY_REQUESTS = "parley.gateway.replay.requests";
    /** Gauge: records the fan-out consumer is behind the end of its partitions. */
    public static final String KAFKA_CONSUMER_LAG = "parley.gateway.kafka.consumer.lag";
    /** Counter: requests refused by a rate limit or cap, tag {@code limit} (posts|connections|subscriptions). */
    public static final String RATE_LIMITED = "parley.gateway.rate.limited";
    /** Counter: proxied requests answered 503 because the owning service was unreachable, tag {@code service}. */
    public static final String PROXY_UNAVAILABLE = "parley.gateway.proxy.unavailable";

    private GatewayMetrics() {
    }
}
