package dev.parley.rooms.service;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.events.Json;
import dev.parley.events.MemberRef;
import dev.parley.events.payload.Room;
import dev.parley.events.payload.RoomMember;
import dev.parley.events.payload.RoomMessage;
import dev.parley.platform.roster.Roster;
import dev.parley.rooms.repository.MemberEntity;
import dev.parley.rooms.repository.MessageEntity;
import dev.parley.rooms.repository.RoomEntity;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Map;

/** Entities to the API records of {@code dev.parley.events.payload}; names come from the tenant roster. */
@ApplicationScoped
public class Payloads {

    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
    };

    private final Roster roster;

    public Payloads(Roster roster) {
        this.roster = roster;
    }

    /** The display name the roster knows for a ref, or null (an invitee who never signed in, most agents). */
    public String name(String tenant, String ref) {
        return roster.name(tenant, ref).orElse(null);
    }

    /**
     * How a member is shown: a human by the roster's name (null until they signed in); an agent by the display name
     * set for it in the tenant ({@code agentNames}, ADR 0049), else the roster's, else its slug.
     */
    public String displayName(String tenant, String ref, Map<String, String> agentNames) {
        MemberRef parsed = MemberRef.parse(ref);
        if (!parsed.isAgent()) {
            return name(tenant, ref);
        }
        String set = agentNames.get(parsed.value());
        if (set != null) {
            return set;
        }
        String known = name(tenant, ref);
        return known != null ? known : parsed.id();
    }

    public RoomMember member(String tenant, MemberEntity m, Map<String, String> agentNames) {
        return new RoomMember(m.ref, displayName(tenant, m.ref, agentNames), m.kind, m.addedBy, m.addedAt);
    }

    public Room room(RoomEntity room, List<MemberEntity> members, Map<String, String> agentNames) {
        return new Room(room.id.toString(), room.name, room.description,
                members.stream().map(m -> member(room.tenant, m, agentNames)).toList(), room.createdBy, room.createdAt);
    }

    /** The agent refs among members (whose display names {@code agent_names} may hold). */
    public static List<String> agentRefs(List<MemberEntity> members) {
        return members.stream().filter(m -> m.app != null).map(m -> m.ref).distinct().toList();
    }

    public static RoomMessage message(MessageEntity m) {
        return new RoomMessage(m.id.toString(), m.seq, m.roomId.toString(), m.sender, m.senderName, m.content, m.html,
                strings(m.mentions), strings(m.routes), m.metadata == null ? null : Json.read(m.metadata, JsonNode.class),
                m.createdAt);
    }

    static List<String> strings(String json) {
        return Json.MAPPER.convertValue(Json.read(json, JsonNode.class), STRINGS);
    }
}
