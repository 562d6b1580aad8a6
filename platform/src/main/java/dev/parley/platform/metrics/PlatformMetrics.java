package dev.parley.platform.metrics;

/**
 * Names of the meters the platform code registers in every service. Each service lists its own in a constants class
 * of the same shape; all of them are documented in {@code docs/metrics.md}. Tag values are always bounded: never a
 * tenant, room, session or member id.
 */
public final class PlatformMetrics {
    /** Counter: events the relay published to Kafka. */
    public static final String STREAM_LOG_PUBLISHED = "parley.stream_log.published";
    /** Counter: relay rounds that failed (broker down, database error) and will be retried. */
    public static final String STREAM_LOG_RELAY_FAILURES = "parley.stream_log.relay.failures";
    /** Counter: events the broker refused for good (too large, invalid), set aside in {@code stream_log_dead_letter}. */
    public static final String STREAM_LOG_DEAD_LETTERED = "parley.stream_log.dead_lettered";
    /** Gauge: stream-log rows not yet published to Kafka (sampled every {@code backlog-sample-interval}). */
    public static final String STREAM_LOG_PENDING = "parley.stream_log.pending";
    /** Gauge: seconds since the oldest unpublished stream-log row was committed (0 when none is pending). */
    public static final String STREAM_LOG_OLDEST_PENDING_AGE = "parley.stream_log.oldest_pending_age";
    /** Gauge: rows in {@code stream_log_dead_letter} (events the broker refused for good). */
    public static final String STREAM_LOG_DEAD_LETTERS = "parley.stream_log.dead_letters";
    /** Timer: from an event's commit to Kafka's acknowledgement. */
    public static final String STREAM_LOG_RELAY_LAG = "parley.stream_log.relay.lag";
    /** Counter: roster entries published (first sight of a member, or a new display name). */
    public static final String ROSTER_PUBLISHED = "parley.roster.published";

    private PlatformMetrics() {
    }
}
