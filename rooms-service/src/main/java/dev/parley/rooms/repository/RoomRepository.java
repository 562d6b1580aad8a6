package dev.parley.rooms.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class RoomRepository implements PanacheRepositoryBase<RoomEntity, UUID> {

    /** The room of that tenant, or null — another tenant's room is as absent as a missing one. */
    public Uni<RoomEntity> find(String tenant, UUID id) {
        return find("id = ?1 and tenant = ?2", id, tenant).firstResult();
    }

    /** The same, locking the room row until the transaction ends: writes to one room are serialized. */
    public Uni<RoomEntity> findForUpdate(String tenant, UUID id) {
        return find("id = ?1 and tenant = ?2", id, tenant).withLock(LockModeType.PESSIMISTIC_WRITE).firstResult();
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
