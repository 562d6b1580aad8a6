package dev.parley.channel.domain;

import dev.parley.platform.problem.ErrorCodes;
import dev.parley.platform.problem.ProblemException;

import java.util.HashSet;
import java.util.List;
import java.util.UUID;

/** The rules of a channel message body and its attachments (API.md §4, §7), as plain Java. */
public final class MessageRules {

    private final int maxLength;
    private final int maxAttachments;
    private final int excerptLength;

    public MessageRules(int maxLength, int maxAttachments, int excerptLength) {
        this.maxLength = maxLength;
        this.maxAttachments = maxAttachments;
        this.excerptLength = excerptLength;
    }

    /**
     * A body must be present (400 {@code request.invalid}), not blank (422 {@code message.empty}) and at most
     * {@code maxLength} code points (422 {@code message.too_long}).
     */
    public void checkBody(String body) {
        if (body == null) {
            throw ProblemException.invalid("body is required");
        }
        if (body.isBlank()) {
            throw ProblemException.limit(ErrorCodes.MESSAGE_EMPTY, "a message needs a non-blank body");
        }
        int length = body.codePointCount(0, body.length());
        if (length > maxLength) {
            throw ProblemException.limit(ErrorCodes.MESSAGE_TOO_LONG,
                    "a message is at most " + maxLength + " characters; this one has " + length);
        }
    }

    /**
     * At most {@code maxAttachments} distinct upload ids (422 {@code attachment.invalid}, as API.md §4 names it);
     * ids that are not UUIDs cannot name an upload (422 {@code attachment.invalid} too).
     */
    public List<UUID> checkAttachments(List<String> ids) {
        if (ids == null || ids.isEmpty()) {
            return List.of();
        }
        if (ids.size() > maxAttachments) {
            throw ProblemException.limit(ErrorCodes.ATTACHMENT_INVALID,
                    "a message has at most " + maxAttachments + " attachments");
        }
        HashSet<UUID> seen = new HashSet<>();
        for (String id : ids) {
            UUID uuid = parse(id);
            if (uuid == null || !seen.add(uuid)) {
                throw ProblemException.limit(ErrorCodes.ATTACHMENT_INVALID,
                        "attachment " + id + " is not an unused upload of yours");
            }
        }
        return List.copyOf(ids.stream().map(UUID::fromString).toList());
    }

    /** The first {@code excerptLength} code points of a body: a reply's quote of its original. */
    public String excerpt(String body) {
        if (body.codePointCount(0, body.length()) <= excerptLength) {
            return body;
        }
        return body.substring(0, body.offsetByCodePoints(0, excerptLength));
    }

    public static UUID parse(String id) {
        if (id == null || id.length() != 36) {
            return null;
        }
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
