package dev.parley.sessions.domain;

/** Length rules: lengths of text count Unicode code points (API.md §1). */
public final class Texts {

    private Texts() {
    }

    public static int codePoints(String text) {
        return text == null ? 0 : text.codePointCount(0, text.length());
    }

    public static boolean blank(String text) {
        return text == null || text.isBlank();
    }

    /** Whether the byte at {@code index} of UTF-8 text starts a character (is not a continuation byte). */
    public static boolean utf8Boundary(byte b) {
        return (b & 0xC0) != 0x80;
    }
}
