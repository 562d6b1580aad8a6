package dev.parley.rooms.repository;

import dev.parley.platform.sql.SessionSql;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class MessageRepository implements PanacheRepositoryBase<MessageEntity, UUID> {

    /** Inserts a message at once (one statement; no entity is kept in the session). */
    public Uni<Void> insert(MessageEntity m) {
        return SessionSql.update("INSERT INTO room_messages (id, room_id, seq, sender, sender_name, content, html, "
                        + "mentions, routes, metadata, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                        m.id, m.roomId, m.seq, m.sender, m.senderName, m.content, m.html, m.mentions, m.routes,
                        m.metadata, OffsetDateTime.ofInstant(m.createdAt, ZoneOffset.UTC))
                .replaceWithVoid();
    }

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
