package dev.parley.events.payload;

import java.time.Instant;

/**
 * One roster entry as {@code GET /api/presence} lists it and {@code presence.changed} carries it.
 *
 * @param status {@code online}, {@code idle} or {@code offline}
 * @param since  when the member entered that status
 */
public record RosterEntry(String ref, String name, String status, Instant since) {
    public static final String ONLINE = "online";
    public static final String IDLE = "idle";
    public static final String OFFLINE = "offline";
}
