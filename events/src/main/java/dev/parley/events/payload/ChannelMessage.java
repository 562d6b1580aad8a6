package dev.parley.events.payload;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.time.Instant;
import java.util.List;

/**
 * A team channel message (API.md §4), as REST returns it and every channel event carries it
 * ({@code message.created}, {@code message.edited}, {@code message.deleted}, {@code reaction.added},
 * {@code reaction.removed}). A deleted message has an empty body, no attachments and no reactions.
 */
@JsonPropertyOrder({"id", "seq", "author", "authorName", "body", "replyTo", "attachments", "reactions", "createdAt",
        "editedAt", "deleted"})
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ChannelMessage(String id, long seq, String author, String authorName, String body, Quote replyTo,
                             List<AttachmentRef> attachments, List<Reaction> reactions, Instant createdAt,
                             Instant editedAt, boolean deleted) {
}
