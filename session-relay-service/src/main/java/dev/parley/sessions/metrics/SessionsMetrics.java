package dev.parley.sessions.metrics;

/** Every meter session-relay-service registers (listed in the module README). Tags are bounded: never ids. */
public final class SessionsMetrics {
    /** Counter: sessions created. */
    public static final String CREATED = "parley.sessions.created";
    /** Counter: share records written; tag {@code kind} = granted | revoked. */
    public static final String SHARES = "parley.sessions.shares";
    /** Counter: turn-lock grants. */
    public static final String TURNS_STARTED = "parley.sessions.turns.started";
    /** Counter: turns ended; tag {@code reason} = released | expired | revoked | cancelled (by the server, ADR 0056). */
    public static final String TURNS_ENDED = "parley.sessions.turns.ended";
    /** Counter: {@code turn.cancel_requested} written (a member asked the holder to stop). */
    public static final String TURNS_CANCEL_REQUESTED = "parley.sessions.turns.cancel_requested";
    /** Counter: grants that expired without a heartbeat (taken over or swept). */
    public static final String TURNS_EXPIRED = "parley.sessions.turns.expired";
    /** Counter: writes refused with 409 turn.fenced. */
    public static final String TURNS_FENCED = "parley.sessions.turns.fenced";
    /** Counter: acquire attempts refused with 409 turn.held. */
    public static final String TURNS_HELD = "parley.sessions.turns.held";
    /** Counter: transcript bytes appended. */
    public static final String TRANSCRIPT_BYTES = "parley.sessions.transcript.bytes";
    /** Counter: live snapshot writes (rate() gives live updates per second). */
    public static final String LIVE_UPDATES = "parley.sessions.live.updates";
    /** Counter: live.updated events published to Kafka after coalescing. */
    public static final String LIVE_PUBLISHED = "parley.sessions.live.published";
    /** Counter: session messages created. */
    public static final String MESSAGES = "parley.sessions.messages";
    /** Counter: mentions appended to me streams. */
    public static final String MENTIONS = "parley.sessions.mentions";
    /** Counter: rooms events seen again and skipped by the (room, seq, user) dedupe. */
    public static final String MENTIONS_DUPLICATE = "parley.sessions.mentions.duplicate";
    /** Counter: sessions created by forking another at a point (ADR 0058). */
    public static final String FORKS = "parley.sessions.forks";
    /** Counter: sync pairings started. */
    public static final String SYNC_STARTED = "parley.sessions.sync.started";

    private SessionsMetrics() {
    }
}
