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

    /** POSTs that create a message, limited per member (API.md §7). */
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
