package dev.parley.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;

/**
 * The one event envelope of API.md §2, identical on WebSocket, SSE and Kafka.
 *
 * @param stream the client-facing stream name ({@code channel}, {@code room:<id>}, {@code me}, ...)
 * @param seq    the position in a durable stream, assigned by its owning service; {@code null} for ephemeral and
 *               latest-value events ({@code typing}, {@code signal}, {@code live.updated}, {@code presence.*},
 *               {@code reset})
 * @param type   the event type, one of {@link EventTypes}
 * @param at     when the owning service created the event
 * @param data   the resource as REST returns it
 */
@JsonPropertyOrder({"stream", "seq", "type", "at", "data"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Envelope(String stream, Long seq, String type, Instant at, JsonNode data) {

    public static Envelope durable(String stream, long seq, String type, Instant at, Object data) {
        return new Envelope(stream, seq, type, at, Json.tree(data));
    }

    public static Envelope ephemeral(String stream, String type, Instant at, Object data) {
        return new Envelope(stream, null, type, at, Json.tree(data));
    }

    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isDurable() {
        return seq != null;
    }

    /** The same event addressed to another client-facing stream name (used when a key's wire name differs). */
    public Envelope withStream(String wireName) {
        return new Envelope(wireName, seq, type, at, data);
    }

    public <T> T dataAs(Class<T> type) {
        return Json.convert(data, type);
    }
}
