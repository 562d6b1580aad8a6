package dev.parley.events;

/** A stream name that is not one of API.md §2's forms. */
public class InvalidStreamException extends IllegalArgumentException {
    public InvalidStreamException(String message) {
        super(message);
    }
}
