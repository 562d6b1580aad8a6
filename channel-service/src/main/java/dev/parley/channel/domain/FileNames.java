package dev.parley.channel.domain;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Upload names as stored and as sent back in {@code Content-Disposition}. */
public final class FileNames {

    private static final int MAX_CODE_POINTS = 255;

    private FileNames() {
    }

    /** The last path segment of a client-supplied name, without control characters, at most 255 code points. */
    public static String clean(String name) {
        if (name == null) {
            return "file";
        }
        String base = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
        StringBuilder out = new StringBuilder();
        base.codePoints().filter(c -> !Character.isISOControl(c) && c != '"')
                .limit(MAX_CODE_POINTS).forEach(out::appendCodePoint);
        String cleaned = out.toString().strip();
        return cleaned.isEmpty() || cleaned.equals(".") || cleaned.equals("..") ? "file" : cleaned;
    }

    /** {@code attachment; filename="<ascii fallback>"; filename*=UTF-8''<percent-encoded>} (RFC 6266). */
    public static String contentDisposition(String name) {
        StringBuilder ascii = new StringBuilder();
        name.codePoints().forEach(c -> ascii.append(c >= 0x20 && c < 0x7F && c != '"' && c != '\\' ? (char) c : '_'));
        String encoded = URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
        return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
    }
}
