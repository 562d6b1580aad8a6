package dev.parley.rooms.domain;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.events.Json;
import dev.parley.events.MemberRef;
import dev.parley.platform.problem.ErrorCodes;
import dev.parley.platform.problem.ProblemException;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Input rules of rooms and room messages, with the exact status and code of the contract for each violation. */
public final class RoomRules {

    public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,79}");
    public static final Pattern AGENT_SLUG = MemberRef.SLUG;

    private RoomRules() {
    }

    /** A room name: {@code [a-z0-9][a-z0-9_-]{0,79}}, else 400. */
    public static String name(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw ProblemException.invalid("name must match [a-z0-9][a-z0-9_-]{0,79}");
        }
        return name;
    }

    /** An optional description of at most {@code maxChars} code points, else 400. Blank becomes null. */
    public static String description(String description, int maxChars) {
        if (description == null || description.isBlank()) {
            return null;
        }
        if (codePoints(description) > maxChars) {
            throw ProblemException.invalid("description must be at most " + maxChars + " characters");
        }
        return description;
    }

    /** A member ref in canonical form, else 400. */
    public static String ref(String ref) {
        try {
            return MemberRef.parse(ref).value();
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalid("invalid member ref: a ref is user:<sub> or <app>:<slug>");
        }
    }

    /** The initial roster: the creator first, then the given refs in order, deduplicated. */
    public static List<String> initialMembers(String creator, List<String> refs) {
        Set<String> members = new LinkedHashSet<>();
        members.add(creator);
        if (refs != null) {
            for (String ref : refs) {
                members.add(ref(ref));
            }
        }
        return new ArrayList<>(members);
    }

    /** 422 {@code room.member_limit} when {@code count} members exceed the limit. */
    public static void checkMemberCount(int count, int limit) {
        if (count > limit) {
            throw ProblemException.limit(ErrorCodes.ROOM_MEMBER_LIMIT,
                    "a room has at most " + limit + " members");
        }
    }

    /** Message content: present (400), not blank (422 {@code message.empty}), at most {@code maxChars} code points. */
    public static String content(String content, int maxChars) {
        if (content == null) {
            throw ProblemException.invalid("content is required");
        }
        if (content.isBlank()) {
            throw ProblemException.limit(ErrorCodes.MESSAGE_EMPTY, "content must not be empty");
        }
        if (codePoints(content) > maxChars) {
            throw ProblemException.limit(ErrorCodes.MESSAGE_TOO_LONG,
                    "content must be at most " + maxChars + " characters");
        }
        return content;
    }

    /** Metadata: absent/null, or a JSON object (else 400) of at most {@code maxBytes} serialized (else 422). */
    public static JsonNode metadata(JsonNode metadata, int maxBytes) {
        if (metadata == null || metadata.isNull() || metadata.isMissingNode()) {
            return null;
        }
        if (!metadata.isObject()) {
            throw ProblemException.invalid("metadata must be a JSON object");
        }
        if (Json.bytes(metadata).length > maxBytes) {
            throw ProblemException.limit(ErrorCodes.METADATA_TOO_LARGE,
                    "metadata must be at most " + maxBytes + " bytes as JSON");
        }
        return metadata;
    }

    /** A fromAgent slug, else 400. */
    public static String agentSlug(String slug) {
        if (!AGENT_SLUG.matcher(slug).matches()) {
            throw ProblemException.invalid("fromAgent must match [a-z0-9][a-z0-9_-]{0,62}");
        }
        return slug;
    }

    /**
     * The display name given with an agent's member add (contract §5), or null when none was given: 1 to
     * {@code maxChars} code points after trimming, no control, bidirectional-control or line/paragraph separator
     * characters; only for an agent ({@code ref} {@code <app>:<slug>}): a human's name comes from the roster. 400
     * {@code request.invalid} otherwise.
     */
    public static String agentName(String name, String ref, int maxChars) {
        if (name == null) {
            return null;
        }
        if (!MemberRef.parse(ref).isAgent()) {
            throw ProblemException.invalid("name is an agent's display name; a person's name comes from their sign-in");
        }
        String trimmed = name.strip();
        if (trimmed.isEmpty() || codePoints(trimmed) > maxChars) {
            throw ProblemException.invalid("name must be 1 to " + maxChars + " characters");
        }
        boolean bad = trimmed.codePoints().anyMatch(c -> Character.isISOControl(c) || c == 0x061C || c == 0x200E
                || c == 0x200F || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) || c == 0x2028
                || c == 0x2029);
        if (bad) {
            throw ProblemException.invalid("name must not contain control or bidirectional-control characters");
        }
        return trimmed;
    }

    public static int codePoints(String s) {
        return s.codePointCount(0, s.length());
    }
}
