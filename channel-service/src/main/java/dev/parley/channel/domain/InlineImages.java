package dev.parley.channel.domain;

import java.util.Set;

/**
 * Which downloads a browser may show inline (contract §4: {@code ?disposition=inline}, ADR 0037): only PNG, JPEG, GIF
 * and WebP, decided by the file's first bytes (magic numbers), never by a declared type or file name — and only when
 * the type sniffed at upload agrees. Everything else stays {@code Content-Disposition: attachment}.
 */
public final class InlineImages {

    /** Bytes a decision needs: the longest signature (WebP: "RIFF" size "WEBP"). */
    public static final int HEAD = 12;

    private static final Set<String> TYPES = Set.of("image/png", "image/jpeg", "image/gif", "image/webp");

    private InlineImages() {
    }

    /**
     * The image type of a file whose first bytes are {@code head} (of length {@code n}), or null when they are none
     * of the four.
     */
    public static String sniff(byte[] head, int n) {
        if (n >= 8 && (head[0] & 0xFF) == 0x89 && head[1] == 'P' && head[2] == 'N' && head[3] == 'G'
                && head[4] == 0x0D && head[5] == 0x0A && head[6] == 0x1A && head[7] == 0x0A) {
            return "image/png";
        }
        if (n >= 3 && (head[0] & 0xFF) == 0xFF && (head[1] & 0xFF) == 0xD8 && (head[2] & 0xFF) == 0xFF) {
            return "image/jpeg";
        }
        if (n >= 6 && head[0] == 'G' && head[1] == 'I' && head[2] == 'F' && head[3] == '8'
                && (head[4] == '7' || head[4] == '9') && head[5] == 'a') {
            return "image/gif";
        }
        if (n >= 12 && head[0] == 'R' && head[1] == 'I' && head[2] == 'F' && head[3] == 'F'
                && head[8] == 'W' && head[9] == 'E' && head[10] == 'B' && head[11] == 'P') {
            return "image/webp";
        }
        return null;
    }

    /**
     * The type to serve inline, or null for an attachment: the bytes must be one of the four images and the type
     * recorded at upload (sniffed from the same bytes) must say the same.
     */
    public static String inlineType(String storedType, byte[] head, int n) {
        String sniffed = sniff(head, n);
        return sniffed != null && TYPES.contains(storedType) && sniffed.equals(storedType) ? sniffed : null;
    }

    /**
     * The {@code disposition} query value: absent or {@code attachment} → false, {@code inline} → true; anything else
     * is a client error (null, for a 400).
     */
    public static Boolean wantsInline(String disposition) {
        if (disposition == null || disposition.isEmpty() || disposition.equals("attachment")) {
            return false;
        }
        return disposition.equals("inline") ? true : null;
    }
}
