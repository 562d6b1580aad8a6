package dev.parley.rooms.domain;

import dev.parley.events.MemberRef;
import org.commonmark.node.AbstractVisitor;
import org.commonmark.node.Node;
import org.commonmark.node.Text;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Mention extraction (API.md §5): {@code @user:<sub>} and {@code @<app>:<slug>} in order of appearance, deduplicated.
 * Only the CommonMark document's text nodes are searched, so mentions inside code spans, fenced and indented code
 * blocks, raw HTML and link destinations do not count. A mention starts at an {@code @} that does not follow a letter,
 * digit, {@code _} or {@code @} (so {@code bob@marketing:cmo} is not one). Refs are case-sensitive as everywhere
 * ({@code @Marketing:CMO} is not an agent ref).
 */
public final class Mentions {

    /** A user sub is printable ASCII without '/' (as {@link MemberRef}); the candidate ends at whitespace; a '/' right
     * after it (a path such as {@code @user:a/b}) means it is no mention. */
    private static final Pattern USER = Pattern.compile("(?<![\\p{L}\\p{N}_@])@user:([\\x21-\\x2E\\x30-\\x7E]{1,160}+)(?!/)");
    private static final Pattern AGENT = Pattern.compile(
            "(?<![\\p{L}\\p{N}_@])@([a-z0-9][a-z0-9_-]{0,62}):([a-z0-9][a-z0-9_-]{0,62})(?![A-Za-z0-9_-])");
    /** Punctuation that ends a sentence or a bracket, trimmed from the end of a user mention. */
    private static final String TRAILING = ".,;:!?)]}>'\"*`";

    private Mentions() {
    }

    /** The distinct mentions of a parsed markdown document, in order of first appearance. */
    public static List<String> of(Node document) {
        Set<String> found = new LinkedHashSet<>();
        document.accept(new AbstractVisitor() {
            @Override
            public void visit(Text text) {
                scan(text.getLiteral(), found);
            }
        });
        return List.copyOf(found);
    }

    /** The distinct mentions of a plain text (no markdown structure), in order of first appearance. */
    public static List<String> inText(String text) {
        Set<String> found = new LinkedHashSet<>();
        scan(text, found);
        return List.copyOf(found);
    }

    private static void scan(String text, Set<String> found) {
        if (text == null || text.indexOf('@') < 0) {
            return;
        }
        record Hit(int start, String ref) {
        }
        List<Hit> hits = new ArrayList<>();
        Matcher user = USER.matcher(text);
        while (user.find()) {
            String sub = trimTrailing(user.group(1));
            if (!sub.isEmpty() && MemberRef.isValid(MemberRef.USER + ":" + sub)) {
                hits.add(new Hit(user.start(), MemberRef.user(sub).value()));
            }
        }
        Matcher agent = AGENT.matcher(text);
        while (agent.find()) {
            if (MemberRef.USER.equals(agent.group(1))) {
                continue; // the user branch above owns "@user:"
            }
            hits.add(new Hit(agent.start(), MemberRef.agent(agent.group(1), agent.group(2)).value()));
        }
        hits.sort((a, b) -> Integer.compare(a.start(), b.start()));
        hits.forEach(h -> found.add(h.ref()));
    }

    private static String trimTrailing(String sub) {
        int end = sub.length();
        while (end > 0 && TRAILING.indexOf(sub.charAt(end - 1)) >= 0) {
            end--;
        }
        return sub.substring(0, end);
    }
}
