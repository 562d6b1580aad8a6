package dev.parley.events.payload;

/** {@code transcript.appended}: where the delta went and the hash of the whole transcript after it. */
public record TranscriptAppended(long offset, long length, String sha256) {
}
