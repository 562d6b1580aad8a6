package dev.parley.events.payload;

/** Per-person show/hide of the team surfaces: changes only what this person is shown. */
public record Discovery(Boolean channel, Boolean presence, Boolean sharedSessions) {
    public static final Discovery ALL = new Discovery(true, true, true);
}
