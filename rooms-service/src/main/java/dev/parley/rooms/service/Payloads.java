package dev.parley.rooms.service;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.events.Json;
import dev.parley.events.payload.Room;
import dev.parley.events.payload.RoomMember;
import dev.parley.events.payload.RoomMessage;
import dev.parley.platform.roster.Roster;
import dev.parley.rooms.repository.MemberEntity;
import dev.parley.rooms.repository.MessageEntity;
import dev.parley.rooms.repository.RoomEntity;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

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

    public RoomMember member(String tenant, MemberEntity m) {
        return new RoomMember(m.ref, name(tenant, m.ref), m.kind, m.addedBy, m.addedAt);
    }

    public Room room(RoomEntity room, List<MemberEntity> members) {
        return new Room(room.id.toString(), room.name, room.description,
                members.stream().map(m -> member(room.tenant, m)).toList(), room.createdBy, room.createdAt);
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
