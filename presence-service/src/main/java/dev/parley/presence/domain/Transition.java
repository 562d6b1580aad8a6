package dev.parley.presence.domain;

import dev.parley.events.payload.RosterEntry;

/** A member of a tenant entered a new status; {@code entry.since()} is when. */
public record Transition(String tenant, RosterEntry entry) {

    /** The compacted changes topic key {@code <tenant>/<ref>}. */
    public String key() {
        return tenant + "/" + entry.ref();
    }
}
