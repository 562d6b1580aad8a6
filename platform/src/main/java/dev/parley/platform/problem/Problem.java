package dev.parley.platform.problem;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.Map;

/**
 * An {@code application/problem+json} body (API.md §1): {@code status}, the stable {@code code}, a short
 * {@code title}, a human {@code detail}, and extension members some codes carry (the {@code holder} of a held turn,
 * the current {@code length} of a transcript, the existing {@code engineSessionId}).
 */
@JsonPropertyOrder({"status", "code", "title", "detail"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(int status, String code, String title, String detail,
                      @com.fasterxml.jackson.annotation.JsonIgnore Map<String, Object> extensions) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public Problem {
        extensions = extensions == null ? Map.of() : Map.copyOf(extensions);
    }

    public Problem(int status, String code, String title, String detail) {
        this(status, code, title, detail, Map.of());
    }

    @JsonAnyGetter
    public Map<String, Object> any() {
        return extensions;
    }

    public static String titleFor(int status) {
        return switch (status) {
            case 400 -> "Bad request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not found";
            case 405 -> "Method not allowed";
            case 406 -> "Not acceptable";
            case 409 -> "Conflict";
            case 413 -> "Payload too large";
            case 415 -> "Unsupported media type";
            case 422 -> "Limit exceeded";
            case 429 -> "Too many requests";
            case 503 -> "Service unavailable";
            default -> "Error";
        };
    }
}
