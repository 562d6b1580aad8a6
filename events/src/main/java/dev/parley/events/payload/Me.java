package dev.parley.events.payload;

/** {@code GET /api/me}. */
public record Me(String ref, String tenant, String name, Discovery discovery) {
}
