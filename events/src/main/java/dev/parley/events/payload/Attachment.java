package dev.parley.events.payload;

/** {@code POST /api/attachments} → the stored upload. */
public record Attachment(String id, String name, long size, String contentType, String sha256) {
}
