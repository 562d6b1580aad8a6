package dev.parley.events.payload;

/** A person named as an object (a turn's holder, a share's {@code by}): {@code {"ref", "name"}}. */
public record Person(String ref, String name) {
}
