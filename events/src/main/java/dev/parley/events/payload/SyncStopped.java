package dev.parley.events.payload;

/** {@code sync.stopped}: the pairing with {@code partner} ended, stopped by {@code by}. */
public record SyncStopped(String partner, String by) {
}
