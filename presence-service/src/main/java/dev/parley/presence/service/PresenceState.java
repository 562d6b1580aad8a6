package dev.parley.presence.service;

import dev.parley.presence.domain.RosterDirectory;
import jakarta.enterprise.context.ApplicationScoped;

/** The one {@link RosterDirectory} of this instance: filled by the messaging readers, read by the use cases. */
@ApplicationScoped
public class PresenceState {

    private final RosterDirectory directory = new RosterDirectory();

    public RosterDirectory directory() {
        return directory;
    }

    public boolean ready() {
        return directory.isRebuilt();
    }
}
