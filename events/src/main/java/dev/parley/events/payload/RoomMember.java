package dev.parley.events.payload;

import java.time.Instant;

/** A room member (API.md §5); {@code member.added} / {@code member.removed} on a room carry it. */
public record RoomMember(String ref, String name, String kind, String addedBy, Instant addedAt) {
}
