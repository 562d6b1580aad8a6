package dev.parley.sessions.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** session-relay-service settings; every key is documented in the module README. */
@ConfigMapping(prefix = "parley.sessions")
public interface SessionsConfig {

    /**
     * How long a turn grant lives without a heartbeat, measured by the database clock (contract §7: 30 s). Long enough
     * for a holder to heartbeat every ~10 s through a hiccup, short enough that a crashed holder frees the session
     * quickly.
     */
    @WithDefault("30s")
    Duration turnLockTtl();

    /**
     * How often expired grants are swept (turn.ended written, lock cleared) when nobody acquires them. Expiry itself
     * is decided by the database clock at each call; the sweep only makes the event timely. 5 s.
     */
    @WithDefault("5s")
    Duration turnExpirySweep();

    /**
     * How long the holder of a turn a member asked to stop ({@code POST /turn/cancel}) has to stop and release before
     * the server ends the turn itself ({@code turn.ended} with {@code "status": "cancelled"}, later writes fenced),
     * measured by the database clock (contract §7: 10 s; ADR 0056). Long enough for an engine to wind down a tool call
     * and write its final snapshot; the sweep ({@code turn-expiry-sweep}) acts within one period after it.
     */
    @WithDefault("10s")
    Duration cancelGrace();

    /**
     * Stream log rows chained per database round trip when a ledger read extends the stored chain (ADR 0057). 500:
     * a few hundred KiB of envelopes per step; a long session's first read takes one step per 500 events.
     */
    @WithDefault("500")
    int ledgerBatch();

    /** A {@code running} live snapshot not updated for this long reads {@code stale: true} (contract §7: 30 s). */
    @WithDefault("30s")
    Duration liveStaleAfter();

    /**
     * Coalescing window of {@code live.updated}: at most one publish per session per window per replica, latest
     * wins (a trailing publish carries the newest snapshot). 100 ms keeps streaming smooth (10/s) while a chatty
     * client writing 50 snapshots a second costs Kafka 10.
     */
    @WithDefault("100ms")
    Duration livePublishInterval();

    /**
     * {@code live.updated} leave on a shared grid of this step (ADR 0055): a snapshot waits at most one step beyond the
     * moment it is due, and the snapshots of all sessions due in one step reach Kafka in one request instead of one
     * request each. 10 ms: at 1,000 live writes a second, about 100 Kafka requests instead of 1,000.
     */
    @WithDefault("10ms")
    Duration livePublishGrid();

    /** Longest session title, in code points. 200 fits any sidebar; longer → 422 {@code session.title_too_long}. */
    @WithDefault("200")
    int titleMaxLength();

    /**
     * Longest session message content, in code points. Assistant turns can be long (code, reports): 100,000, five
     * times a room message; longer → 422 {@code message.too_long}.
     */
    @WithDefault("100000")
    int messageMaxLength();

    /** Members of one session, owner included. 50 like a room; more → 422 {@code session.member_limit}. */
    @WithDefault("50")
    int maxMembers();

    /** Tool entries of one live snapshot. 200; more → 422 {@code live.too_many_tools}. */
    @WithDefault("200")
    int liveMaxTools();

    /**
     * Largest transcript delta of one append, in UTF-8 bytes. The JSON body cap (1 MiB) bounds it anyway; 512 KiB
     * leaves room for JSON escaping. Larger → 413 {@code request.too_large} (split the delta).
     */
    @WithDefault("512K")
    MemorySize transcriptMaxAppend();

    /** Largest transcript of one session, in bytes. 64 MiB; an append beyond it → 422 {@code transcript.too_large}. */
    @WithDefault("64M")
    MemorySize transcriptMaxLength();

    /** Transcript chunks fetched per database round trip while streaming a read. 32 (≤ 16 MiB in flight at the cap). */
    @WithDefault("32")
    int transcriptReadBatch();

    /** Synced tabs at most. 50; more → 422 {@code sync.too_many_tabs}. */
    @WithDefault("50")
    int syncMaxTabs();

    /** Largest synced screen layout (JSON), in bytes. 16 KiB; larger → 422 {@code sync.screen_too_large}. */
    @WithDefault("16K")
    MemorySize syncMaxScreen();

    /** How long the {@code me} stream keeps events (contract §2: 30 days); the share records table keeps all. */
    @WithDefault("30d")
    Duration meRetention();

    /** Consume rooms-service's events and append {@code mention}s (off only for tests of other parts). */
    @WithDefault("true")
    boolean mentionsEnabled();

    /** Consumer group of the mention consumer; one per deployment, so each rooms event is handled once. */
    @WithDefault("session-relay-mentions")
    String mentionsGroup();

    /**
     * How long the broker may hold a fetch of the mention consumer to gather up to 64 KiB of rooms events (Kafka's
     * {@code fetch.max.wait.ms}, with {@code fetch.min.bytes} 64 KiB). Every rooms event passes through this consumer
     * and almost none is a mention, so one fetch per event would cost more than the events themselves; 250 ms makes it
     * at most four fetches a second at any rate, and a mention reaches the me stream up to 250 ms later (ADR 0056).
     */
    @WithDefault("250ms")
    Duration mentionsFetchWait();

    /** Follow the compacted presence topic for the sync partner online check. */
    @WithDefault("true")
    boolean presenceEnabled();
}
