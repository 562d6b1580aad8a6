package dev.parley.events.payload;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.List;

/** A group room with its roster. */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record Room(String id, String name, String description, List<RoomMember> members, String createdBy,
                   Instant createdAt) {
}
