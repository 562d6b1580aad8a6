package dev.parley.events.payload;

import java.time.Instant;

/** A member of a shared session: {@code role} is {@code owner} or {@code writer}. */
public record SessionMember(String ref, String name, String role, String addedBy, Instant addedAt) {
    public static final String OWNER = "owner";
    public static final String WRITER = "writer";
}
