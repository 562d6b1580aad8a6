package dev.parley.events.payload;

import java.time.Instant;

/**
 * A durable share record on the recipient's {@code me} stream ({@code share.granted} / {@code share.revoked}) and
 * in {@code GET /api/me/shares}; {@code seq} is its position on that {@code me} stream.
 *
 * @param kind {@code granted} or {@code revoked}
 */
public record Share(long seq, String kind, String sessionId, String title, Person by, Instant at) {
    public static final String GRANTED = "granted";
    public static final String REVOKED = "revoked";
}
