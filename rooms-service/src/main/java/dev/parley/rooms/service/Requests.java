package dev.parley.rooms.service;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/** Request bodies of the rooms API (responses and events are the records of {@code dev.parley.events.payload}). */
public final class Requests {

    private Requests() {
    }

    /** {@code POST /api/agent-rooms}. */
    public record CreateRoom(String name, String description, List<String> members) {
    }

    /** {@code POST /api/agent-rooms/{id}/members}. */
    public record AddMember(String ref) {
    }

    /** {@code POST /api/agent-rooms/{id}/messages}. */
    public record PostMessage(String content, String fromAgent, JsonNode metadata) {
    }
}
