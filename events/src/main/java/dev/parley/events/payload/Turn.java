package dev.parley.events.payload;

import java.time.Instant;

/** A granted turn-lock ({@code POST /turn} → 201, and {@code turn.started}). */
public record Turn(String turnId, Person holder, long fencingToken, Instant expiresAt) {
}
