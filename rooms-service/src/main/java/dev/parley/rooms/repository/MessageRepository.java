package dev.parley.rooms.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class MessageRepository implements PanacheRepositoryBase<MessageEntity, UUID> {

    /** Up to {@code count} messages with seq &gt; {@code after}, oldest first. */
    public Uni<List<MessageEntity>> after(UUID roomId, long after, int count) {
        return find("roomId = ?1 and seq > ?2", Sort.ascending("seq"), roomId, after).range(0, count - 1).list();
    }

    /** Up to {@code count} messages with seq &lt; {@code before} (all when null), newest first. */
    public Uni<List<MessageEntity>> before(UUID roomId, Long before, int count) {
        return (before == null
                ? find("roomId = ?1", Sort.descending("seq"), roomId)
                : find("roomId = ?1 and seq < ?2", Sort.descending("seq"), roomId, before))
                .range(0, count - 1).list();
    }
}
