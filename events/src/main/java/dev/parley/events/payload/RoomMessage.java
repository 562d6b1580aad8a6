package dev.parley.events.payload;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.List;

/** A room message (API.md §5): markdown {@code content}, its sanitized {@code html}, mentions and routes. */
@JsonPropertyOrder({"id", "seq", "roomId", "sender", "senderName", "content", "html", "mentions", "routes",
        "metadata", "createdAt"})
@JsonInclude(JsonInclude.Include.ALWAYS)
public record RoomMessage(String id, long seq, String roomId, String sender, String senderName, String content,
                          String html, List<String> mentions, List<String> routes, JsonNode metadata,
                          Instant createdAt) {
}
