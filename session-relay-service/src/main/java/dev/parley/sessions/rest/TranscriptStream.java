package dev.parley.sessions.rest;

import io.smallrye.mutiny.Multi;

/** A JSON body produced piece by piece ({@link TranscriptStreamWriter} writes each piece as it comes). */
public record TranscriptStream(Multi<byte[]> pieces) {
}
