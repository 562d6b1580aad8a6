package dev.parley.events.payload;

/** {@code mention} on a human's {@code me} stream: a room message that routes to them. */
public record Mention(String roomId, RoomMessage message) {
}
