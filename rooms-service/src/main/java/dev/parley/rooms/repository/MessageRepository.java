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

    /** A search match: the message's id and room, and its snippet. */
    public record SearchRow(UUID id, UUID roomId, String snippet) {
    }

    /**
     * Matches of {@code q} ({@code websearch_to_tsquery} syntax) in the tenant's rooms that have the member
     * {@code ref} or an agent of {@code app} (one of the two is null), optionally in one room only, with ids below
     * {@code before} (all when null), newest first, at most {@code count}. The page is chosen first; only its rows
     * get a headline. Literal {@code [[} / {@code ]]} get a zero-width space between the brackets, so the only double
     * brackets of a snippet are the marks; {@code <} and {@code &} pass {@code ts_headline} as private-use
     * characters, so nothing is dropped as a markup tag: the snippet is the content's own plain text (ADR 0047).
     */
    public Uni<List<SearchRow>> search(String tenant, String ref, String app, UUID room, String q, UUID before,
                                       int count) {
        return SessionSql.rows("WITH q AS (SELECT websearch_to_tsquery('english', $5) AS q), "
                        + "visible AS (SELECT r.id FROM rooms r WHERE r.tenant = $1 AND ($4::uuid IS NULL OR r.id = $4) "
                        + "AND EXISTS (SELECT 1 FROM room_members m WHERE m.room_id = r.id "
                        + "AND (m.ref = $2 OR m.app = $3))), "
                        + "hits AS (SELECT x.id, x.room_id, x.content FROM room_messages x, q "
                        + "WHERE x.search @@ q.q AND x.room_id IN (SELECT id FROM visible) "
                        + "AND ($6::uuid IS NULL OR x.id < $6) ORDER BY x.id DESC LIMIT $7) "
                        + "SELECT h.id, h.room_id, translate(ts_headline('english', regexp_replace(regexp_replace("
                        + "translate(h.content, '<&', U&'\\E000\\E001'), "
                        + "'\\[(?=\\[)', '[' || chr(8203), 'g'), '\\](?=\\])', ']' || chr(8203), 'g'), q.q, "
                        + "'StartSel=[[, StopSel=]], MaxWords=35, MinWords=15, ShortWord=2'), U&'\\E000\\E001', '<&') "
                        + "FROM hits h, q ORDER BY h.id DESC", tenant, ref, app, room, q, before, count)
                .map(rows -> rows.stream().map(r -> new SearchRow((UUID) r[0], (UUID) r[1], (String) r[2])).toList());
    }

    /** The messages with these ids (any order). */
    public Uni<List<MessageEntity>> byIds(List<UUID> ids) {
        return list("id in ?1", ids);
    }
}
