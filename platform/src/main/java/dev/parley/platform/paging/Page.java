package dev.parley.platform.paging;

import java.util.List;
import java.util.function.ToLongFunction;

/**
 * A page of a seq-ordered list: {@code {"items": [... ascending seq ...], "nextBefore", "nextAfter"}}.
 * {@code nextBefore} is set when older items exist, {@code nextAfter} when newer ones may.
 */
public record Page<T>(List<T> items, Long nextBefore, Long nextAfter) {

    /**
     * Builds the page from rows fetched with one extra row beyond {@code request.limit()} (so "is there more" needs
     * no count): for a backward page the rows are newest-first, for a forward page oldest-first.
     */
    public static <T> Page<T> of(PageRequest request, List<T> fetched, ToLongFunction<T> seq) {
        boolean more = fetched.size() > request.limit();
        List<T> rows = more ? fetched.subList(0, request.limit()) : fetched;
        if (request.forward()) {
            Long nextAfter = rows.isEmpty() ? request.after() : seq.applyAsLong(rows.get(rows.size() - 1));
            Long nextBefore = rows.isEmpty() ? null : seq.applyAsLong(rows.get(0));
            return new Page<>(List.copyOf(rows), nextBefore == null || nextBefore <= 1 ? null : nextBefore, nextAfter);
        }
        List<T> ascending = new java.util.ArrayList<>(rows);
        java.util.Collections.reverse(ascending);
        Long nextBefore = more && !ascending.isEmpty() ? seq.applyAsLong(ascending.get(0)) : null;
        Long nextAfter = ascending.isEmpty() ? request.before() == null ? null : request.before() - 1
                : seq.applyAsLong(ascending.get(ascending.size() - 1));
        return new Page<>(List.copyOf(ascending), nextBefore, nextAfter);
    }
}
