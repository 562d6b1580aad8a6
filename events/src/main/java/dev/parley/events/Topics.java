package dev.parley.events;

/**
 * Kafka topic names, versioned, with an optional prefix so several installs can share one Kafka cluster.
 * The prefix is {@code parley.kafka.topic-prefix} in every service's configuration (empty by default).
 */
public record Topics(String prefix) {

    public static final String VERSION = "v1";

    public Topics {
        prefix = prefix == null ? "" : prefix;
    }

    /** The stream log of one service, keyed by {@link StreamKey}, in {@code seq} order per key. */
    public String events(Service service) {
        return prefix + "parley." + service.id() + ".events." + VERSION;
    }

    /** Ephemeral events ({@code typing}, {@code signal}, {@code live.updated}), keyed by stream key; no log behind. */
    public String ephemeral() {
        return prefix + "parley.ephemeral." + VERSION;
    }

    /** Connection connect / disconnect / activity per connection and gateway heartbeats, keyed by tenant. */
    public String presenceConnections() {
        return prefix + "parley.presence.connections." + VERSION;
    }

    /** Compacted: the latest roster entry with status per tenant + member, keyed {@code <tenant>/<ref>}. */
    public String presenceChanges() {
        return prefix + "parley.presence.changes." + VERSION;
    }

    /** Compacted: who is in each tenant's roster and their display name, keyed {@code <tenant>/<ref>}. */
    public String roster() {
        return prefix + "parley.roster." + VERSION;
    }

    /** Compacted: per-person discovery settings, keyed {@code <tenant>/<ref>}. */
    public String discovery() {
        return prefix + "parley.discovery." + VERSION;
    }
}
