package dev.parley.events.payload;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A reply's quote of its original; once the original is deleted or expired: {@code deleted: true}, no excerpt. */
public record Quote(String id, String author, @JsonInclude(JsonInclude.Include.ALWAYS) String excerpt,
                    boolean deleted) {
}
