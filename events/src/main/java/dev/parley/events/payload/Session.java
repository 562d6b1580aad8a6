package dev.parley.events.payload;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.List;

/**
 * A shared session (API.md §6). {@code role} is the caller's ({@code owner}/{@code writer}) in lists and gets.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record Session(String id, String title, String owner, List<SessionMember> members, String engineSessionId,
                      Instant createdAt, @JsonInclude(JsonInclude.Include.NON_NULL) String role) {
}
