package dev.parley.rooms.domain;

import dev.parley.events.MemberRef;
import dev.parley.platform.identity.Caller;

import java.util.Collection;

/**
 * Who may see a room: a human who is a member; an app token when any of its agents is a member. Everyone else
 * (another tenant, a non-member, a removed member) gets 404, exactly as if the room did not exist.
 */
public final class RoomAccess {

    private RoomAccess() {
    }

    public static boolean canSee(Caller caller, Collection<String> memberRefs) {
        if (caller.isHuman()) {
            return memberRefs.contains(caller.userRef());
        }
        return memberRefs.stream().anyMatch(ref -> isAgentOf(ref, caller.appId()));
    }

    public static boolean isAgentOf(String ref, String app) {
        MemberRef member = MemberRef.parse(ref);
        return member.isAgent() && member.app().equals(app);
    }
}
