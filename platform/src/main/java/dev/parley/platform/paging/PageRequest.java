package dev.parley.platform.paging;

import dev.parley.platform.problem.ProblemException;

/**
 * The pagination of API.md §1: {@code ?before=<seq>} pages back, {@code ?after=<seq>} pages forward; {@code limit}
 * defaults to 50 and is capped at 100. Query values are parsed here (a wrong type → 400 {@code request.invalid}).
 */
public record PageRequest(Long before, Long after, int limit) {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 100;

    public static PageRequest of(String before, String after, String limit) {
        return of(before, after, limit, MAX_LIMIT);
    }

    public static PageRequest of(String before, String after, String limit, int maxLimit) {
        Long b = parse(before, "before");
        Long a = parse(after, "after");
        if (b != null && a != null) {
            throw ProblemException.invalid("give before or after, not both");
        }
        Long l = parse(limit, "limit");
        if (l != null && l < 1) {
            throw ProblemException.invalid("limit must be at least 1");
        }
        if ((b != null && b < 0) || (a != null && a < 0)) {
            throw ProblemException.invalid("before and after are seq numbers (>= 0)");
        }
        return new PageRequest(b, a, (int) Math.min(l == null ? DEFAULT_LIMIT : l, maxLimit));
    }

    /** Forward paging ({@code after}) reads ascending from there; otherwise the newest page back from {@code before}. */
    public boolean forward() {
        return after != null;
    }

    private static Long parse(String value, String name) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw ProblemException.invalid(name + " must be an integer");
        }
    }
}
