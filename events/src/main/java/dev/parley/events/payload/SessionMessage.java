package dev.parley.events.payload;

import java.time.Instant;

/** A durable, attributed message of a shared session's conversation. */
public record SessionMessage(String id, long seq, String sessionId, String turnId, String role, String content,
                             String author, String authorName, Instant createdAt) {
}
