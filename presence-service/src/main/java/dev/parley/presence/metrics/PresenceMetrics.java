package dev.parley.presence.metrics;

/** Every meter presence-service registers (tags bounded: never a tenant or member id). */
public final class PresenceMetrics {
    /** Gauge: members this instance folds that are online (sum over instances = the fleet's). */
    public static final String MEMBERS_ONLINE = "parley.presence.members.online";
    /** Gauge: members this instance folds that are idle. */
    public static final String MEMBERS_IDLE = "parley.presence.members.idle";
    /** Counter, tag {@code status} (online|idle|offline): status transitions published; rate() = transitions/s. */
    public static final String TRANSITIONS = "parley.presence.transitions";
    /** Timer: from a connection event's {@code at} (gateway clock) to it being folded here. */
    public static final String FOLD_LAG = "parley.presence.fold.lag";
    /** Counter: connection events that could not be read (not ConnectionEvent JSON) and were skipped. */
    public static final String EVENTS_INVALID = "parley.presence.events.invalid";
    /** Counter: transitions whose publication to the changes topic failed. */
    public static final String PUBLISH_FAILURES = "parley.presence.publish.failures";

    private PresenceMetrics() {
    }
}
