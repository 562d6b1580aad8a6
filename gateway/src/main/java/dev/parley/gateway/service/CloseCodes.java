package dev.parley.gateway.service;

/** WebSocket close codes of API.md §2 (an SSE stream simply ends in the same cases). */
public final class CloseCodes {
    /** The gateway is shutting down: reconnect elsewhere. */
    public static final int GOING_AWAY = 1001;
    /** The token expired or access was revoked. */
    public static final int POLICY = 1008;
    /** A frame over the size limit. */
    public static final int TOO_BIG = 1009;
    /** Too slow: reconnect and resume. */
    public static final int TRY_AGAIN_LATER = 1013;

    private CloseCodes() {
    }
}
