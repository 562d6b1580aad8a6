package dev.parley.rooms.repository;

import dev.parley.platform.sql.SessionSql;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class RoomRepository implements PanacheRepositoryBase<RoomEntity, UUID> {

    /** How a transaction locks a room row (ADR 0044). */
    public enum Lock {
        /** Posts: many at once, but never while a membership change of the room is in flight. */
        SHARE("FOR SHARE"),
        /** Membership changes: one at a time per room, and never while a post to the room is in flight. */
        UPDATE("FOR UPDATE");

        private final String clause;

        Lock(String clause) {
            this.clause = clause;
        }
    }

    /** The room of that tenant, or null — another tenant's room is as absent as a missing one. */
    public Uni<RoomEntity> find(String tenant, UUID id) {
        return find("id = ?1 and tenant = ?2", id, tenant).firstResult();
    }

    /** Locks the room row of that tenant until the transaction ends; false when there is no such room. */
    public Uni<Boolean> lock(String tenant, UUID id, Lock lock) {
        return SessionSql.rowsInTransaction("SELECT 1 FROM rooms WHERE id = $1 AND tenant = $2 " + lock.clause,
                        id, tenant)
                .map(rows -> !rows.isEmpty());
    }

    /** Whether the room of that tenant has the member {@code ref} (one index lookup, whatever the room's size). */
    public Uni<Boolean> hasMember(String tenant, UUID id, String ref) {
        return SessionSql.rows("SELECT 1 FROM rooms r JOIN room_members m ON m.room_id = r.id "
                + "WHERE r.id = $1 AND r.tenant = $2 AND m.ref = $3", id, tenant, ref).map(rows -> !rows.isEmpty());
    }

    /** Whether the room of that tenant has any agent of {@code app} as a member. */
    public Uni<Boolean> hasAgentOf(String tenant, UUID id, String app) {
        return SessionSql.rows("SELECT 1 FROM rooms r JOIN room_members m ON m.room_id = r.id "
                + "WHERE r.id = $1 AND r.tenant = $2 AND m.app = $3 LIMIT 1", id, tenant, app)
                .map(rows -> !rows.isEmpty());
    }

    public Uni<Void> insert(RoomEntity room) {
        return SessionSql.update("INSERT INTO rooms (id, tenant, name, description, created_by, created_at) "
                        + "VALUES ($1, $2, $3, $4, $5, $6)", room.id, room.tenant, room.name, room.description,
                room.createdBy, OffsetDateTime.ofInstant(room.createdAt, ZoneOffset.UTC))
                .replaceWithVoid();
    }

    public Uni<Boolean> nameTaken(String tenant, String name) {
        return count("tenant = ?1 and name = ?2", tenant, name).map(n -> n > 0);
    }

    /** Rooms of the tenant in which {@code ref} is a member, oldest first. */
    public Uni<List<RoomEntity>> withMember(String tenant, String ref) {
        return list("from RoomEntity r where r.tenant = ?1 and exists "
                + "(select 1 from MemberEntity m where m.roomId = r.id and m.ref = ?2) order by r.createdAt, r.id",
                tenant, ref);
    }

    /** Rooms of the tenant in which any agent of {@code app} is a member, oldest first. */
    public Uni<List<RoomEntity>> withAgentOf(String tenant, String app) {
        return list("from RoomEntity r where r.tenant = ?1 and exists "
                + "(select 1 from MemberEntity m where m.roomId = r.id and m.app = ?2) order by r.createdAt, r.id",
                tenant, app);
    }
}
