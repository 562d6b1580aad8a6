package dev.parley.platform.paging;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * A page of a seq-ordered list: {@code {"items": [... ascending seq ...], "nextBefore", "nextAfter"}}.
 * {@code nextBefore} is set when older items exist, {@code nextAfter} is the position to poll forward from.
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
            if (rows.isEmpty()) {
                return new Page<>(List.of(), null, request.after());
            }
            long first = seq.applyAsLong(rows.get(0));
            return new Page<>(List.copyOf(rows), first > 1 ? first : null, seq.applyAsLong(rows.get(rows.size() - 1)));
        }
        List<T> ascending = new ArrayList<>(rows);
        Collections.reverse(ascending);
        if (ascending.isEmpty()) {
            Long nextAfter = request.before() == null ? null : Long.valueOf(Math.max(0, request.before() - 1));
            return new Page<>(List.of(), null, nextAfter);
        }
        Long nextBefore = more ? Long.valueOf(seq.applyAsLong(ascending.get(0))) : null;
        return new Page<>(List.copyOf(ascending), nextBefore, seq.applyAsLong(ascending.get(ascending.size() - 1)));
    }
}
