package dev.parley.sessions.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.events.payload.Tab;
import dev.parley.events.payload.Tool;
import dev.parley.platform.problem.ErrorCodes;
import dev.parley.platform.problem.ProblemException;

import java.util.List;

/** Request bodies of the session-relay API (responses are the records of {@code dev.parley.events.payload}). */
final class Bodies {

    private Bodies() {
    }

    record NewSession(String title) {
    }

    record NewMember(String ref) {
    }

    record NewMessage(String turnId, String role, String content, Long fencingToken) {
    }

    record LiveBody(String turnId, String status, String text, String thinking, List<Tool> tools, Long fencingToken) {
    }

    record TranscriptBody(Long offset, String data, Long fencingToken) {
    }

    record EngineBody(String engineSessionId) {
    }

    record TurnBody(String turnId) {
    }

    record CancelBody(String turnId, String reason) {
    }

    record ForkBody(Long atSeq, String title) {
    }

    record SyncStart(String partner) {
    }

    record SyncTabs(List<Tab> tabs, String activeTabId) {
    }

    static <T> T required(T body) {
        if (body == null) {
            throw ProblemException.badRequest(ErrorCodes.BODY_REQUIRED, "a JSON body is required");
        }
        return body;
    }

    static JsonNode requiredNode(JsonNode body) {
        if (body == null || body.isNull() || body.isMissingNode()) {
            throw ProblemException.badRequest(ErrorCodes.BODY_REQUIRED, "a JSON body is required");
        }
        return body;
    }
}
