package dev.parley.events.payload;

/** A synced chat tab. */
public record Tab(String id, String title, String sessionId) {
}
