package dev.parley.events.payload;

/** An attachment as a channel message lists it. */
public record AttachmentRef(String id, String name, long size, String contentType) {
}
