package dev.parley.presence.domain;

import dev.parley.events.payload.Discovery;
import dev.parley.events.payload.RosterEntry;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class RosterDirectoryTest {

    final RosterDirectory directory = new RosterDirectory();
    final Instant t = Instant.parse("2026-11-21T10:00:00Z");

    @Test
    void aJoinedMemberIsOfflineUntilAStatusIsPublishedAndTheRosterNameWins() {
        directory.joined("acme", "user:ada", "Ada", t.plusMillis(3), false); // their own call: provisional
        directory.joined("acme", "user:ada", "Ada", t, true); // the platform's roster record read back
        assertThat(directory.roster("acme")).containsExactly(new RosterEntry("user:ada", "Ada", "offline", t));
        directory.joined("acme", "user:ada", "Ada", t.plusMillis(5), false);
        assertThat(directory.roster("acme")).containsExactly(new RosterEntry("user:ada", "Ada", "offline", t));
        directory.published("acme", new RosterEntry("user:ada", "ada-old", "online", t.plusSeconds(1)));
        directory.joined("acme", "user:ada", "Ada", t.plusSeconds(2), true); // a later roster record keeps the status
        assertThat(directory.roster("acme")).containsExactly(
                new RosterEntry("user:ada", "Ada", "online", t.plusSeconds(1)));
    }

    @Test
    void rosterIsPerTenantAndSortedByName() {
        directory.joined("acme", "user:b", "bob", t, true);
        directory.joined("acme", "user:a", "Ann", t, true);
        directory.joined("globex", "user:x", "Xi", t, true);
        assertThat(directory.roster("acme")).extracting(RosterEntry::ref).containsExactly("user:a", "user:b");
        assertThat(directory.roster("nobody")).isEmpty();
        directory.removed("acme", "user:a");
        assertThat(directory.roster("acme")).extracting(RosterEntry::ref).containsExactly("user:b");
    }

    @Test
    void discoveryIsPerMember() {
        directory.discovery("acme", "user:a", new Discovery(false, true, true));
        assertThat(directory.discovery("acme", "user:a")).contains(new Discovery(false, true, true));
        assertThat(directory.discovery("globex", "user:a")).isEmpty();
        directory.discovery("acme", "user:a", null);
        assertThat(directory.discovery("acme", "user:a")).isEmpty();
    }
}
