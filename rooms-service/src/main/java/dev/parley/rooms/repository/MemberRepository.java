package dev.parley.rooms.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

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

    public Uni<Long> removeMember(UUID roomId, String ref) {
        return delete("roomId = ?1 and ref = ?2", roomId, ref);
    }
}
