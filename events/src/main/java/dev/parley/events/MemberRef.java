package dev.parley.events;

import java.util.regex.Pattern;

/**
 * A member ref of API.md §1: {@code user:<sub>} for a human, {@code <app>:<slug>} for an agent. One string form
 * everywhere; parsed and validated here.
 */
public record MemberRef(String app, String id) {

    /** App ids and agent slugs. */
    public static final Pattern SLUG = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
    /** OIDC subjects: printable, no whitespace, no '/', bounded. */
    private static final Pattern SUBJECT = Pattern.compile("[\\x21-\\x2E\\x30-\\x7E]{1,128}");
    public static final String USER = "user";

    public MemberRef {
        if (USER.equals(app)) {
            if (id == null || !SUBJECT.matcher(id).matches()) {
                throw new IllegalArgumentException("invalid user id");
            }
        } else if (app == null || !SLUG.matcher(app).matches() || id == null || !SLUG.matcher(id).matches()) {
            throw new IllegalArgumentException("invalid agent ref");
        }
    }

    public static MemberRef user(String sub) {
        return new MemberRef(USER, sub);
    }

    public static MemberRef agent(String app, String slug) {
        return new MemberRef(app, slug);
    }

    /** Parses {@code user:<sub>} or {@code <app>:<slug>}; an {@link IllegalArgumentException} otherwise. */
    public static MemberRef parse(String ref) {
        if (ref == null) {
            throw new IllegalArgumentException("ref missing");
        }
        int colon = ref.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("a ref is user:<id> or <app>:<slug>");
        }
        return new MemberRef(ref.substring(0, colon), ref.substring(colon + 1));
    }

    public static boolean isValid(String ref) {
        try {
            parse(ref);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    public boolean isUser() {
        return USER.equals(app);
    }

    public boolean isAgent() {
        return !isUser();
    }

    /** "user" or "agent", as room rosters name the kind. */
    public String kind() {
        return isUser() ? "user" : "agent";
    }

    public String value() {
        return app + ":" + id;
    }

    @Override
    public String toString() {
        return value();
    }
}
