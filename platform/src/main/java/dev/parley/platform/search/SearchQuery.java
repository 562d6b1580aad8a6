package dev.parley.platform.search;

import dev.parley.platform.problem.ProblemException;

/**
 * The {@code q} of a search, checked before it reaches PostgreSQL: 1 to {@code maxLength} code points after trimming
 * (400 {@code request.invalid} otherwise); a NUL (which PostgreSQL text cannot hold) is refused the same way, other
 * control characters count as spaces. The words themselves are parsed by {@code websearch_to_tsquery}, which accepts
 * any input ("quoted phrases", {@code or}, {@code -word}) and never fails.
 */
public final class SearchQuery {

    private SearchQuery() {
    }

    public static String of(String q, int maxLength) {
        if (q == null || q.isBlank()) {
            throw ProblemException.invalid("q (the words to search for) is required");
        }
        if (q.indexOf('\0') >= 0) {
            throw ProblemException.invalid("q must not contain NUL characters");
        }
        String text = q.codePoints().map(c -> Character.isISOControl(c) ? ' ' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString().strip();
        if (text.isEmpty()) {
            throw ProblemException.invalid("q (the words to search for) is required");
        }
        if (text.codePointCount(0, text.length()) > maxLength) {
            throw ProblemException.invalid("q is longer than " + maxLength + " characters");
        }
        return text;
    }
}
