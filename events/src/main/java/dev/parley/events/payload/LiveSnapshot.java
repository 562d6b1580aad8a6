package dev.parley.events.payload;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.List;

/**
 * The in-flight turn of a session ({@code GET /live}, {@code live.updated}, and {@code turn.ended}'s final state).
 * {@code stale} is true for a {@code running} snapshot not updated within {@code live-stale-after}.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record LiveSnapshot(String turnId, String status, String text, String thinking, List<Tool> tools,
                           String startedBy, Instant updatedAt, boolean stale) {
    public static final String RUNNING = "running";
}
