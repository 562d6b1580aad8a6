package dev.parley.channel.domain;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A canonical form of a request for hashing: maps with their keys sorted (nested maps and lists too). The JSON of a
 * {@code Map.of(...)} follows its iteration order, which is salted per JVM, so two replicas hashed the same upload
 * differently and a retry on the other one got 422 {@code idempotency.key_reused}; the JSON of this form is the same
 * on every JVM.
 */
public final class Canonical {

    private Canonical() {
    }

    /** The map with its keys (and those of every nested map) in natural order. */
    public static SortedMap<String, Object> sorted(Map<String, ?> map) {
        TreeMap<String, Object> out = new TreeMap<>();
        map.forEach((key, value) -> out.put(key, canonical(value)));
        return Collections.unmodifiableSortedMap(out);
    }

    @SuppressWarnings("unchecked")
    private static Object canonical(Object value) {
        if (value instanceof Map<?, ?> map) {
            return sorted((Map<String, ?>) map);
        }
        if (value instanceof List<?> list) {
            return list.stream().map(Canonical::canonical).toList();
        }
        return value;
    }
}
