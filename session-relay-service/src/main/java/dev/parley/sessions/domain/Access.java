package dev.parley.sessions.domain;

import java.util.UUID;

/** A caller's access to a session they are a member of: the session's essentials and the caller's role. */
public record Access(UUID sessionId, String tenant, String title, String ownerRef, String engineSessionId, String role) {

    public boolean owner() {
        return "owner".equals(role);
    }
}
