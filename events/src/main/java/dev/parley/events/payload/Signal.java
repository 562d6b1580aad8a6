package dev.parley.events.payload;

import com.fasterxml.jackson.databind.JsonNode;

/** {@code signal} on a session stream: an ephemeral nudge from a member's instance, for smooth streaming. */
public record Signal(String ref, String name, JsonNode data) {
}
