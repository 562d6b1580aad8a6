package dev.parley.events.payload;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * A sync pairing as one side sees it ({@code GET /api/sync}; {@code sync.started}, {@code sync.tabs},
 * {@code sync.screen}): {@code partner} is the other person's ref.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record SyncState(String partner, List<Tab> tabs, String activeTabId, JsonNode screen) {
}
