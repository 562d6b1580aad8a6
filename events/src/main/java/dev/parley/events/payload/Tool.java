package dev.parley.events.payload;

/** A tool call of an in-flight turn. */
public record Tool(String id, String name, String status, String summary) {
}
