package dev.parley.gateway.domain;

import dev.parley.events.Service;

/** Which service owns a public REST path (the brief's routing table); null when none does. */
public final class RoutingTable {

    private RoutingTable() {
    }

    public static Service owner(String path) {
        if (path == null) {
            return null;
        }
        if (path.equals("/api/me/shares") || path.startsWith("/api/me/shares/")) {
            return Service.SESSIONS;
        }
        if (under(path, "/api/presence") || under(path, "/api/me")) {
            return Service.PRESENCE;
        }
        if (under(path, "/api/channel") || under(path, "/api/attachments")) {
            return Service.CHANNEL;
        }
        if (under(path, "/api/agent-rooms") || under(path, "/api/agents")) {
            return Service.ROOMS;
        }
        if (under(path, "/api/sessions") || under(path, "/api/sync")) {
            return Service.SESSIONS;
        }
        return null;
    }

    /**
     * The path every route and limit decision sees, and the one forwarded (contract §1): percent-encoded unreserved
     * characters decoded (other escapes kept, with upper-case hex), empty and {@code .} segments dropped,
     * {@code ..} resolved, no trailing slash. So {@code /api//channel/messages/} and {@code /api/%63hannel/messages}
     * reach the same resource and the same limit as {@code /api/channel/messages}.
     */
    public static String canonical(String rawPath) {
        if (rawPath == null || rawPath.isEmpty()) {
            return "/";
        }
        java.util.ArrayDeque<String> segments = new java.util.ArrayDeque<>();
        for (String segment : rawPath.split("/")) {
            String s = decodeUnreserved(segment);
            if (s.isEmpty() || s.equals(".")) {
                continue;
            }
            if (s.equals("..")) {
                segments.pollLast();
                continue;
            }
            segments.addLast(s);
        }
        return "/" + String.join("/", segments);
    }

    /** {@link #canonical} of the path part of a request URI, the query kept as it was. */
    public static String canonicalUri(String uri) {
        int q = uri.indexOf('?');
        return q < 0 ? canonical(uri) : canonical(uri.substring(0, q)) + uri.substring(q);
    }

    private static String decodeUnreserved(String segment) {
        if (segment.indexOf('%') < 0) {
            return segment;
        }
        StringBuilder out = new StringBuilder(segment.length());
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c == '%' && i + 2 < segment.length()) {
                int hi = Character.digit(segment.charAt(i + 1), 16);
                int lo = Character.digit(segment.charAt(i + 2), 16);
                if (hi >= 0 && lo >= 0) {
                    char decoded = (char) (hi * 16 + lo);
                    if (unreserved(decoded)) {
                        out.append(decoded);
                    } else {
                        out.append('%').append(Character.toUpperCase(segment.charAt(i + 1)))
                                .append(Character.toUpperCase(segment.charAt(i + 2)));
                    }
                    i += 2;
                    continue;
                }
            }
            out.append(c);
        }
        return out.toString();
    }

    private static boolean unreserved(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~';
    }

    /**
     * An attachment download, the one REST route that also accepts a stream ticket ({@code ?ticket=}) instead of the
     * header, so a browser's {@code <img src>} can load it (contract §4).
     */
    public static boolean isDownload(String method, String path) {
        return "GET".equals(method) && path != null && path.matches("/api/attachments/[^/]+");
    }

    /** Uploads, limited per member on their own budget (contract §7). */
    public static boolean isUpload(String method, String path) {
        return "POST".equals(method) && "/api/attachments".equals(path);
    }

    /** POSTs that create a message, limited per member (contract §7). */
    public static boolean isPost(String method, String path) {
        if (!"POST".equals(method) || path == null) {
            return false;
        }
        return path.equals("/api/channel/messages")
                || path.matches("/api/agent-rooms/[^/]+/messages")
                || path.matches("/api/sessions/[^/]+/messages");
    }

    private static boolean under(String path, String prefix) {
        return path.equals(prefix) || path.startsWith(prefix + "/");
    }
}
