package dev.parley.sessions.domain;

/**
 * Error codes this service needs beyond platform's {@code ErrorCodes} (reported to the lead to move there).
 */
public final class SessionErrors {
    /** 422: session title over {@code title-max-length}. */
    public static final String TITLE_TOO_LONG = "session.title_too_long";
    /** 422: more than {@code max-members} members. */
    public static final String MEMBER_LIMIT = "session.member_limit";
    /** 409: the owner cannot be removed from their own session. */
    public static final String OWNER_NOT_REMOVABLE = "session.owner_not_removable";
    /** 422: transcript would grow beyond {@code transcript-max-length}. */
    public static final String TRANSCRIPT_TOO_LARGE = "transcript.too_large";
    /** 422: live snapshot with more than {@code live-max-tools} tools. */
    public static final String LIVE_TOO_MANY_TOOLS = "live.too_many_tools";
    /** 422: more than {@code sync-max-tabs} tabs. */
    public static final String SYNC_TOO_MANY_TABS = "sync.too_many_tabs";
    /** 422: screen layout over {@code sync-max-screen}. */
    public static final String SYNC_SCREEN_TOO_LARGE = "sync.screen_too_large";

    /** 409: a cancel named a turn that is not the session's running turn (ADR 0056). */
    public static final String TURN_NOT_RUNNING = "turn.not_running";

    private SessionErrors() {
    }
}
