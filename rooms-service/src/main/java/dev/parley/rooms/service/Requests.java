package dev.parley.rooms.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.events.Json;
import dev.parley.platform.problem.ErrorCodes;
import dev.parley.platform.problem.ProblemException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Request bodies of the rooms API (responses and events are the records of {@code dev.parley.events.payload}). */
public final class Requests {

    private Requests() {
    }

    /** {@code POST /api/agent-rooms}. */
    public record CreateRoom(String name, String description, List<String> members) {
    }

    /** {@code POST /api/agent-rooms/{id}/members}. */
    public record AddMember(String ref, String name) {
    }

    /** {@code POST /api/agent-rooms/{id}/messages}. */
    public record PostMessage(String content, String fromAgent, JsonNode metadata) {
    }

    /** {@code POST /api/agent-rooms/{id}/typing}: an app token names the agent that types. */
    public record Typing(String as) {
    }

    /**
     * The optional body of a typing request (a human needs none, so no {@code Content-Type} is required either):
     * empty → no body; otherwise a JSON object with a string {@code as}, else 400.
     */
    public static Typing typing(byte[] body) {
        if (body == null || new String(body, StandardCharsets.UTF_8).isBlank()) {
            return null;
        }
        JsonNode tree;
        try {
            tree = Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw ProblemException.badRequest(ErrorCodes.MALFORMED_JSON, "the body is not valid JSON");
        }
        if (tree == null || !tree.isObject()) {
            throw ProblemException.invalid("the body must be a JSON object");
        }
        JsonNode as = tree.get("as");
        if (as != null && !as.isNull() && !as.isTextual()) {
            throw ProblemException.invalid("as must be a string (an agent slug)");
        }
        return new Typing(as == null || as.isNull() ? null : as.asText());
    }
}
