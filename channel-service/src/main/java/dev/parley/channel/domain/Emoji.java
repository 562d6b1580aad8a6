package dev.parley.channel.domain;

import java.util.regex.Pattern;

/**
 * A reaction's emoji (API.md §4): exactly one extended grapheme cluster that is an emoji (👍, 👍🏽, 🇩🇪, 1️⃣, 👩‍💻)
 * or a {@code :short_code:} of 1–32 characters {@code [a-z0-9_+-]} (custom emoji, as Slack and Matrix clients send).
 */
public final class Emoji {

    private static final Pattern SHORT_CODE = Pattern.compile(":[a-z0-9_+-]{1,32}:");
    private static final Pattern ONE_GRAPHEME = Pattern.compile("\\X");
    /** No emoji sequence in Unicode 16 comes near this many UTF-16 units; bounds the regex work. */
    private static final int MAX_CHARS = 64;
    private static final int VARIATION_SELECTOR_16 = 0xFE0F;

    private Emoji() {
    }

    public static boolean valid(String value) {
        if (value == null || value.isEmpty() || value.length() > MAX_CHARS) {
            return false;
        }
        if (SHORT_CODE.matcher(value).matches()) {
            return true;
        }
        if (!ONE_GRAPHEME.matcher(value).matches()) {
            return false;
        }
        if (value.codePoints().allMatch(c -> c < 0x80)) {
            return false; // "1", "#", "*" carry the Emoji property but are not reactions on their own
        }
        boolean pictographic = value.codePoints()
                .anyMatch(c -> Character.isEmojiPresentation(c) || Character.isExtendedPictographic(c));
        boolean textEmojiAsEmoji = Character.isEmoji(value.codePointAt(0))
                && value.codePoints().anyMatch(c -> c == VARIATION_SELECTOR_16);
        return pictographic || textEmojiAsEmoji;
    }
}
