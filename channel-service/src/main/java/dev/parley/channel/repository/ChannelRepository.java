package dev.parley.channel.repository;

import dev.parley.platform.paging.PageRequest;
import dev.parley.platform.sql.SessionSql;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Reads and writes of the channel tables inside the caller's Hibernate Reactive session/transaction. Statements that
 * are SQL-shaped (idempotent reaction insert, attach-once, purge) are native; entities elsewhere; scrubbing is
 * {@link Scrubber}.
 */
@ApplicationScoped
public class ChannelRepository {

    /** A reaction row: which member reacted with which emoji on which message. */
    public record ReactionRow(UUID messageId, String emoji, String ref) {
    }

    public Uni<MessageEntity> find(String tenant, UUID id) {
        return MessageEntity.<MessageEntity>findById(id).map(m -> m != null && m.tenant.equals(tenant) ? m : null);
    }

    /**
     * The message, its row locked {@code FOR UPDATE} until the transaction ends (ADR 0033): an edit, a reaction and a
     * delete of one message run one after the other, and each sees what the one before committed.
     */
    public Uni<MessageEntity> lock(String tenant, UUID id) {
        return MessageEntity.<MessageEntity>find("id = ?1 and tenant = ?2", id, tenant)
                .withLock(LockModeType.PESSIMISTIC_WRITE).firstResult();
    }

    public Uni<List<MessageEntity>> findAll(String tenant, List<UUID> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return MessageEntity.list("tenant = ?1 and id in ?2", tenant, ids);
    }

    /**
     * Messages a write is about to quote, their rows locked {@code FOR SHARE}: a delete of one of them waits for the
     * write's commit (and then scrubs the quote it wrote), or the write waits for the delete and sees it.
     */
    public Uni<List<MessageEntity>> findAllShared(String tenant, List<UUID> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return MessageEntity.<MessageEntity>find("tenant = ?1 and id in ?2", tenant, ids)
                .withLock(LockModeType.PESSIMISTIC_READ).list();
    }

    /** One page of messages plus one extra row: newest-first going back, oldest-first going forward. */
    public Uni<List<MessageEntity>> page(String tenant, PageRequest request) {
        if (request.forward()) {
            return MessageEntity.<MessageEntity>find("tenant = ?1 and seq > ?2", Sort.ascending("seq"), tenant,
                    request.after()).range(0, request.limit()).list();
        }
        if (request.before() != null) {
            return MessageEntity.<MessageEntity>find("tenant = ?1 and seq < ?2", Sort.descending("seq"), tenant,
                    request.before()).range(0, request.limit()).list();
        }
        return MessageEntity.<MessageEntity>find("tenant = ?1", Sort.descending("seq"), tenant)
                .range(0, request.limit()).list();
    }

    /**
     * The page's matches (one extra row tells whether there are more), then a headline for just those rows.
     * Literal {@code [[} / {@code ]]} in a body get a zero-width space between the brackets, so the only double
     * brackets of a snippet are the marks. {@code <} and {@code &} travel through {@code ts_headline} as private-use
     * characters (U+E000, U+E001), so its parser sees no markup tags or entities to drop: the snippet is the body's
     * own text, plain (not HTML), the same kind of value as {@code body} (ADR 0036).
     */
    private static final String SEARCH = "WITH q AS (SELECT websearch_to_tsquery('english', $2) AS q), "
            + "hits AS (SELECT m.id, m.seq, m.body FROM channel_message m, q "
            + "WHERE m.search @@ q.q AND m.tenant = $1 AND NOT m.deleted AND m.created_at > $3 "
            + "AND ($4::bigint IS NULL OR m.seq < $4) ORDER BY m.seq DESC LIMIT $5) "
            + "SELECT h.id, h.seq, translate(ts_headline('english', regexp_replace(regexp_replace("
            + "translate(h.body, '<&', U&'\\E000\\E001'), "
            + "'\\[(?=\\[)', '[' || chr(8203), 'g'), '\\](?=\\])', ']' || chr(8203), 'g'), q.q, "
            + "'StartSel=[[, StopSel=]], MaxWords=35, MinWords=15, ShortWord=2'), U&'\\E000\\E001', '<&') "
            + "FROM hits h, q ORDER BY h.seq DESC";

    /** A search match: the message's id and seq, and its snippet. */
    public record SearchRow(UUID id, long seq, String snippet) {
    }

    /**
     * Up to {@code count} live messages of the tenant created after {@code since} that match the words {@code q}
     * ({@code websearch_to_tsquery} syntax), seq below {@code before} (all when null), newest first.
     */
    public Uni<List<SearchRow>> search(String tenant, String q, java.time.OffsetDateTime since, Long before,
                                       int count) {
        return SessionSql.rows(SEARCH, tenant, q, since, before, count).map(rows -> rows.stream()
                .map(r -> new SearchRow((UUID) r[0], ((Number) r[1]).longValue(), (String) r[2])).toList());
    }

    public Uni<List<ReactionRow>> reactions(List<UUID> messageIds) {
        if (messageIds.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return Panache.getSession().chain(s -> s.createNativeQuery(
                        "SELECT message_id, emoji, ref FROM channel_reaction WHERE message_id IN (?1) "
                                + "ORDER BY created_at, ref", Object[].class)
                .setParameter(1, messageIds)
                .getResultList())
                .map(rows -> {
                    List<ReactionRow> out = new ArrayList<>(rows.size());
                    for (Object[] r : rows) {
                        out.add(new ReactionRow((UUID) r[0], (String) r[1], (String) r[2]));
                    }
                    return out;
                });
    }

    public Uni<List<AttachmentEntity>> attachmentsOf(List<UUID> messageIds) {
        if (messageIds.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return AttachmentEntity.list("messageId in ?1 order by position", messageIds);
    }

    /** Adds a reaction; false when the member already reacted so (nothing changed). */
    public Uni<Boolean> addReaction(UUID messageId, String emoji, String ref) {
        return Panache.getSession().chain(s -> s.createNativeQuery("INSERT INTO channel_reaction (message_id, emoji, ref) "
                        + "VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING")
                .setParameter(1, messageId).setParameter(2, emoji).setParameter(3, ref)
                .executeUpdate()).map(n -> n > 0);
    }

    /** Removes a reaction; false when there was none. */
    public Uni<Boolean> removeReaction(UUID messageId, String emoji, String ref) {
        return Panache.getSession().chain(s -> s.createNativeQuery("DELETE FROM channel_reaction "
                        + "WHERE message_id = ?1 AND emoji = ?2 AND ref = ?3")
                .setParameter(1, messageId).setParameter(2, emoji).setParameter(3, ref)
                .executeUpdate()).map(n -> n > 0);
    }

    /**
     * Attaches an upload to a message, once: only an unattached upload of that uploader in that tenant. False when
     * it is someone else's, already attached, or unknown.
     */
    public Uni<Boolean> attach(UUID attachmentId, String tenant, String uploader, UUID messageId, int position) {
        return Panache.getSession().chain(s -> s.createNativeQuery("UPDATE channel_attachment SET message_id = ?1, "
                        + "position = ?2 WHERE id = ?3 AND tenant = ?4 AND uploader = ?5 AND message_id IS NULL")
                .setParameter(1, messageId).setParameter(2, position).setParameter(3, attachmentId)
                .setParameter(4, tenant).setParameter(5, uploader)
                .executeUpdate()).map(n -> n == 1);
    }

    /** What purging a message removed: its attachments' ids and their blob keys (deleted after commit). */
    public record Purged(List<String> attachmentIds, List<String> blobKeys) {
    }

    private static final String PURGE_ATTACHMENTS = "WITH a AS (DELETE FROM channel_attachment WHERE message_id = $1 "
            + "RETURNING id, tenant, size, blob_key), "
            + "u AS (UPDATE channel_attachment_usage u SET bytes = GREATEST(u.bytes - s.total, 0) "
            + "FROM (SELECT tenant, sum(size) AS total FROM a GROUP BY tenant) s WHERE u.tenant = s.tenant) "
            + "SELECT id::text, blob_key FROM a";

    /**
     * Deletes a message's reactions and attachment rows (lowering the tenant's attachment usage); returns what the
     * scrub and the blob clean-up need.
     */
    public Uni<Purged> purgeChildren(UUID messageId) {
        return SessionSql.update("DELETE FROM channel_reaction WHERE message_id = $1", messageId)
                .chain(() -> SessionSql.rowsInTransaction(PURGE_ATTACHMENTS, messageId))
                .map(rows -> {
                    List<String> ids = new ArrayList<>(rows.size());
                    List<String> keys = new ArrayList<>(rows.size());
                    for (Object[] row : rows) {
                        ids.add((String) row[0]);
                        keys.add((String) row[1]);
                    }
                    return new Purged(ids, keys);
                });
    }

    /** Groups reaction rows by message. */
    public static Map<UUID, List<ReactionRow>> byMessage(List<ReactionRow> rows) {
        Map<UUID, List<ReactionRow>> out = new java.util.HashMap<>();
        for (ReactionRow r : rows) {
            out.computeIfAbsent(r.messageId(), k -> new ArrayList<>()).add(r);
        }
        return out;
    }
}
