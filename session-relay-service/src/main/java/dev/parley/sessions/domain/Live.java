package dev.parley.sessions.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/** Rules of the live snapshot (API.md §6). */
public final class Live {

    public static final Set<String> STATUSES = Set.of("running", "completed", "failed", "cancelled");

    private Live() {
    }

    /** A running snapshot not updated within {@code staleAfter} (database clock) is stale: no phantom stuck turn. */
    public static boolean stale(String status, Instant updatedAt, Instant now, Duration staleAfter) {
        return "running".equals(status) && updatedAt.plus(staleAfter).isBefore(now);
    }
}
