package dev.parley.events.payload;

import java.util.List;

/** Every list answer is an object with {@code items} (API.md §1); also {@code presence.snapshot}'s data. */
public record Items<T>(List<T> items) {
}
