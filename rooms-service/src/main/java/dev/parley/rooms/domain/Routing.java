package dev.parley.rooms.domain;

import dev.parley.events.MemberRef;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * Rules-first routing of a room message (API.md §5), deterministic and free of I/O.
 * <ul>
 *   <li>{@code routes} are the mentioned refs that are room members, minus the sender, in order of mention, at most
 *       the first {@code limit};</li>
 *   <li>no mentions at all is a <em>broadcast</em>: {@code routes} is empty and every agent member except the sender
 *       receives the message as context ({@code mentioned: false});</li>
 *   <li>a message with mentions reaches only its routed agents ({@code mentioned: true}); agents that are not
 *       routed (not mentioned, mentioned beyond the limit, or mentioned but not members) get nothing — the
 *       API names "no mentions" as the only case in which agents receive context (ADR 0041).</li>
 * </ul>
 */
public final class Routing {

    /** One inbox delivery: which agent, in which app's inbox, and whether it was mentioned. */
    public record Delivery(String target, String app, boolean mentioned) {
    }

    private Routing() {
    }

    /** The routes of a message: mentioned members minus the sender, the first {@code limit}. */
    public static List<String> routes(List<String> mentions, Set<String> members, String sender, int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0");
        }
        List<String> routes = new ArrayList<>();
        for (String ref : mentions) {
            if (routes.size() >= limit) {
                break;
            }
            if (!ref.equals(sender) && members.contains(ref) && !routes.contains(ref)) {
                routes.add(ref);
            }
        }
        return List.copyOf(routes);
    }

    /**
     * The agent inbox deliveries of a message.
     *
     * @param members the room's members in roster order (broadcast deliveries follow it)
     */
    public static List<Delivery> deliveries(List<String> mentions, List<String> routes, Collection<String> members,
                                            String sender) {
        List<Delivery> out = new ArrayList<>();
        if (mentions.isEmpty()) {
            for (String ref : members) {
                MemberRef member = MemberRef.parse(ref);
                if (member.isAgent() && !ref.equals(sender)) {
                    out.add(new Delivery(ref, member.app(), false));
                }
            }
            return List.copyOf(out);
        }
        for (String ref : routes) {
            MemberRef member = MemberRef.parse(ref);
            if (member.isAgent() && !ref.equals(sender) && members.contains(ref)) {
                out.add(new Delivery(ref, member.app(), true));
            }
        }
        return List.copyOf(out);
    }
}
