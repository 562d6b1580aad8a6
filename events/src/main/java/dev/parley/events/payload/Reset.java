package dev.parley.events.payload;

/** {@code reset}: the client's position is older than the stream keeps; reload by REST. */
public record Reset(long earliest, long head) {
}
