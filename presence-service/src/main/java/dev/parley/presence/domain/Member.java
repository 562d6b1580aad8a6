package dev.parley.presence.domain;

import dev.parley.events.payload.RosterEntry;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** The fold's state of one member of one tenant (mutable; owned by one {@link PresenceBoard}). */
final class Member {
    final String tenant;
    final String ref;
    String name;
    /** Open connections: connection id → gateway instance id. */
    final Map<String, String> connections = new HashMap<>();
    /**
     * Restored from the changes topic as online/idle, but which connections keep them there is not known (yet):
     * counts as one open connection until an event naming a connection of theirs arrives.
     */
    boolean unverified;
    Instant lastActivity;
    /** When the last open connection closed (start of the offline grace); null while connected. */
    Instant disconnectedAt;
    /** The status the world was last told, and since when. */
    String status;
    Instant since;
    /** After a rebuild: the ticking loop leaves this member alone until then (gateways get to prove liveness). */
    Instant holdUntil;
    /** Due time (epoch ms) of this member's live entry in the board's timer queue; {@link PresenceBoard#NONE}. */
    long queuedAt = PresenceBoard.NONE;

    Member(String tenant, String ref, String name, Instant since) {
        this.tenant = tenant;
        this.ref = ref;
        this.name = name;
        this.status = RosterEntry.OFFLINE;
        this.since = since;
    }

    String key() {
        return tenant + "/" + ref;
    }

    boolean connected() {
        return unverified || !connections.isEmpty();
    }

    RosterEntry entry() {
        return new RosterEntry(ref, name, status, since);
    }
}
