package dev.parley.events.payload;

/** {@code typing}: who is composing; clients drop it 5 s after the last one. */
public record Typing(String ref, String name) {
}
