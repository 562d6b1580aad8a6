package dev.parley.events.payload;

/** {@code GET /transcript/head}: the stored transcript's length in bytes and its SHA-256 (lowercase hex). */
public record TranscriptHead(long length, String sha256) {
}
