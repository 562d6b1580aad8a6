package dev.parley.platform.streamlog;

/**
 * Where a durable stream stands: {@code head} is the newest seq (0 when empty), {@code earliest} the oldest seq
 * still kept (head + 1 when everything was trimmed).
 */
public record StreamPosition(long head, long earliest) {

    public static final StreamPosition EMPTY = new StreamPosition(0, 1);

    /** A client that has seen up to {@code after} missed events the stream no longer keeps. */
    public boolean needsReset(long after) {
        return after + 1 < earliest;
    }
}
