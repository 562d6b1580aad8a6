package dev.parley.channel.domain;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Upload names as stored and as sent back in {@code Content-Disposition}. */
public final class FileNames {

    private static final int MAX_CODE_POINTS = 255;

    private FileNames() {
    }

    /**
     * The last path segment of a client-supplied name, without control characters, bidirectional controls
     * (overrides, embeddings, isolates, marks: with U+202E, "invoice" + RLO + "fdp.exe" displays as "invoiceexe.pdf")
     * and line or paragraph separators, at most 255 code points.
     */
    public static String clean(String name) {
        if (name == null) {
            return "file";
        }
        String base = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
        StringBuilder out = new StringBuilder();
        base.codePoints().filter(c -> !Character.isISOControl(c) && !bidiControl(c) && !separator(c) && c != '"')
                .limit(MAX_CODE_POINTS).forEach(out::appendCodePoint);
        String cleaned = out.toString().strip();
        return cleaned.isEmpty() || cleaned.equals(".") || cleaned.equals("..") ? "file" : cleaned;
    }

    /** ALM, LRM, RLM, LRE..RLO (embeddings and overrides), LRI..PDI (isolates). */
    static boolean bidiControl(int c) {
        return c == 0x061C || c == 0x200E || c == 0x200F || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
    }

    /** U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR (not ISO controls, but they break a name's line). */
    private static boolean separator(int c) {
        return c == 0x2028 || c == 0x2029;
    }

    /** {@code attachment; filename="<ascii fallback>"; filename*=UTF-8''<percent-encoded>} (RFC 6266). */
    public static String contentDisposition(String name) {
        return contentDisposition("attachment", name);
    }

    /** The header for {@code type} ({@code attachment} or {@code inline}) with both file-name forms. */
    public static String contentDisposition(String type, String name) {
        StringBuilder ascii = new StringBuilder();
        name.codePoints().forEach(c -> ascii.append(c >= 0x20 && c < 0x7F && c != '"' && c != '\\' ? (char) c : '_'));
        String encoded = URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
        return type + "; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
    }
}
