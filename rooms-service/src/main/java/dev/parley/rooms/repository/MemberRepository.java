package dev.parley.rooms.repository;

import dev.parley.platform.sql.SessionSql;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class MemberRepository implements PanacheRepositoryBase<MemberEntity, UUID> {

    private static final Sort ROSTER_ORDER = Sort.by("addedAt").and("id");

    /** A room's current members in the order they were added. */
    public Uni<List<MemberEntity>> ofRoom(UUID roomId) {
        return list("roomId", ROSTER_ORDER, roomId);
    }

    public Uni<List<MemberEntity>> ofRooms(Collection<UUID> roomIds) {
        return list("roomId in ?1", ROSTER_ORDER, roomIds);
    }

    /** One member of a room, or null. */
    public Uni<MemberEntity> find(UUID roomId, String ref) {
        return find("roomId = ?1 and ref = ?2", roomId, ref).firstResult();
    }

    public Uni<Long> countOf(UUID roomId) {
        return count("roomId", roomId);
    }

    /**
     * The refs a post needs, in roster order: every agent member (inbox deliveries) and those of {@code refs} that
     * are members (the sender, mentioned people). Index lookups only: a room's human members are never all read.
     */
    public Uni<List<String>> agentsAnd(UUID roomId, Collection<String> refs) {
        // two index scans (room_members_room_app, room_members_room_ref_key), never the room's whole roster
        return SessionSql.rows("SELECT ref, added_at, id FROM room_members WHERE room_id = $1 AND app IS NOT NULL "
                        + "UNION ALL SELECT ref, added_at, id FROM room_members WHERE room_id = $1 AND app IS NULL "
                        + "AND ref = ANY(CAST($2 AS text[])) ORDER BY added_at, id",
                        roomId, refs.toArray(String[]::new))
                .map(rows -> rows.stream().map(row -> (String) row[0]).toList());
    }

    /** Inserts members of one room, all added by the same member at the same time, in one statement. */
    public Uni<Void> insert(UUID roomId, List<MemberEntity> members) {
        MemberEntity first = members.get(0);
        return SessionSql.update("INSERT INTO room_members (id, room_id, ref, kind, app, added_by, added_at) "
                        + "SELECT i, $2, r, k, a, $6, $7 FROM unnest(CAST($1 AS uuid[]), CAST($3 AS text[]), "
                        + "CAST($4 AS text[]), CAST($5 AS text[])) AS t(i, r, k, a)",
                        members.stream().map(m -> m.id).toArray(UUID[]::new), roomId,
                        members.stream().map(m -> m.ref).toArray(String[]::new),
                        members.stream().map(m -> m.kind).toArray(String[]::new),
                        members.stream().map(m -> m.app).toArray(String[]::new),
                        first.addedBy, OffsetDateTime.ofInstant(first.addedAt, ZoneOffset.UTC))
                .replaceWithVoid();
    }

    public Uni<Long> removeMember(UUID roomId, String ref) {
        return delete("roomId = ?1 and ref = ?2", roomId, ref);
    }
}
