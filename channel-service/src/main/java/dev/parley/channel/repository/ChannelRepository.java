package dev.parley.channel.repository;

import dev.parley.events.StreamKey;
import dev.parley.platform.paging.PageRequest;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Reads and writes of the channel tables inside the caller's Hibernate Reactive session/transaction. Statements that
 * are SQL-shaped (idempotent reaction insert, attach-once, stream-log scrubbing) are native; entities elsewhere.
 */
@ApplicationScoped
public class ChannelRepository {

    /** A reaction row: which member reacted with which emoji on which message. */
    public record ReactionRow(UUID messageId, String emoji, String ref) {
    }

    public Uni<MessageEntity> find(String tenant, UUID id) {
        return MessageEntity.<MessageEntity>findById(id).map(m -> m != null && m.tenant.equals(tenant) ? m : null);
    }

    public Uni<List<MessageEntity>> findAll(String tenant, List<UUID> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return MessageEntity.list("tenant = ?1 and id in ?2", tenant, ids);
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

    /** Deletes a message's reactions and attachment rows; returns the blob keys to remove after commit. */
    public Uni<List<String>> purgeChildren(UUID messageId) {
        return Panache.getSession().chain(s -> s.createNativeQuery("DELETE FROM channel_reaction WHERE message_id = ?1")
                .setParameter(1, messageId).executeUpdate()
                .chain(() -> s.createNativeQuery("DELETE FROM channel_attachment WHERE message_id = ?1 RETURNING blob_key",
                                String.class)
                        .setParameter(1, messageId).getResultList()));
    }

    /**
     * Rewrites the stream log so no earlier event of a deleted message keeps its text: every envelope whose data is
     * that message gets {@code purgedJson} as data, and every reply's quote of it becomes {@code quoteJson}. The
     * idempotency record of its creation is rewritten the same way (a replay answers the purged message).
     */
    public Uni<Void> scrub(StreamKey stream, UUID messageId, long exceptSeq, String purgedJson, String quoteJson,
                           String tenant, String postRoute) {
        String id = messageId.toString();
        return Panache.getSession().chain(s -> s.createNativeQuery("UPDATE stream_log SET envelope = "
                                + "jsonb_set(envelope::jsonb, '{data}', CAST(CAST(?1 AS text) AS jsonb))::text "
                                + "WHERE stream_key = ?2 AND seq <> ?3 AND envelope::jsonb -> 'data' ->> 'id' = ?4")
                        .setParameter(1, purgedJson).setParameter(2, stream.value()).setParameter(3, exceptSeq)
                        .setParameter(4, id).executeUpdate()
                .chain(() -> s.createNativeQuery("UPDATE stream_log SET envelope = "
                                + "jsonb_set(envelope::jsonb, '{data,replyTo}', CAST(CAST(?1 AS text) AS jsonb))::text "
                                + "WHERE stream_key = ?2 AND envelope::jsonb -> 'data' -> 'replyTo' ->> 'id' = ?3")
                        .setParameter(1, quoteJson).setParameter(2, stream.value()).setParameter(3, id)
                        .executeUpdate())
                .chain(() -> s.createNativeQuery("UPDATE idempotency_keys SET body = ?1 WHERE tenant = ?2 "
                                + "AND route = ?3 AND body::jsonb ->> 'id' = ?4")
                        .setParameter(1, purgedJson).setParameter(2, tenant).setParameter(3, postRoute)
                        .setParameter(4, id).executeUpdate()))
                .replaceWithVoid();
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
