package dev.parley.events.payload;

import java.time.Instant;

/**
 * A value of the compacted roster topic (key {@code <tenant>/<ref>}): a human of a tenant and their display name,
 * published when a service first sees them or their name changes. Other services learn names from it.
 */
public record RosterRecord(String tenant, String ref, String name, Instant at) {
}
