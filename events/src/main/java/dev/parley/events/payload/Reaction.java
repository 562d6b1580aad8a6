package dev.parley.events.payload;

import java.util.List;

/** A reaction aggregate on a message: the emoji, how many, and who (refs). */
public record Reaction(String emoji, int count, List<String> by) {
}
