package dev.parley.channel.repository;

import io.smallrye.mutiny.Uni;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * The one scrubbing mechanism of the channel (ADR 0033), used by a delete and by retention alike: for a set of
 * messages that are gone (deleted or expired), rewrites every stream-log row and idempotency record that still
 * carries their text or their attachments' names, inside the caller's transaction. Each statement finds its rows
 * through an expression index of {@code V2__scrub_indexes_and_attachment_usage.sql}, never by a scan.
 * <ul>
 *   <li>envelopes whose data is one of the messages: data keeps id, seq, author, times and quote, loses body,
 *       attachments and reactions, and says {@code deleted: true};</li>
 *   <li>envelopes whose data quotes one of them: the quote becomes {@code {id, author, excerpt: null, deleted: true}};</li>
 *   <li>the post records of the messages and of replies to them: the same rewrites (a retry replays the tombstone);</li>
 *   <li>the upload records of their attachments: removed (the upload they answered no longer exists).</li>
 * </ul>
 * Rows that are already scrubbed are left alone, so running it twice writes nothing the second time. It touches no
 * stream head: a delete scrubs before it appends, so the tenant's posts never wait for it.
 */
public final class Scrubber {

    /** Runs one statement with {@code $n} parameters (arrays as Java arrays); answers the rows it changed. */
    @FunctionalInterface
    public interface Sql {
        Uni<Integer> update(String sql, Object... params);
    }

    /** What one scrub rewrote. */
    public record Scrubbed(int events, int quotes, int idempotencyRecords) {
    }

    static final String PURGED = "'{\"body\": \"\", \"attachments\": [], \"reactions\": [], \"deleted\": true}'";

    /**
     * Which stream-log rows are worth rewriting: all ($3 null, a delete), or those retention will not trim in the
     * same run anyway ($3 = its cutoff: rows at or after it, and unpublished ones, which the trim keeps).
     */
    static final String KEPT_ROWS = " AND (CAST($3 AS timestamptz) IS NULL OR at >= CAST($3 AS timestamptz) OR NOT published)";

    /**
     * $1 message ids, $2 their stream keys, $3 see {@link #KEPT_ROWS}. Each scrub locks its rows in key order first,
     * so two scrubs (and the relay, which marks in seq order) touching the same rows wait instead of deadlocking.
     */
    static final String MESSAGE_EVENTS = "UPDATE stream_log SET envelope = jsonb_set(envelope::jsonb, '{data}', "
            + "(envelope::jsonb -> 'data') || " + PURGED + "::jsonb)::text "
            + "FROM (SELECT stream_key AS k, seq AS q FROM stream_log "
            + "WHERE (envelope::json #>> '{data,id}') = ANY($1) AND stream_key = ANY($2) "
            + "AND (envelope::json #>> '{data,deleted}') IS DISTINCT FROM 'true'" + KEPT_ROWS
            + " ORDER BY stream_key, seq FOR UPDATE) t WHERE stream_key = t.k AND seq = t.q";

    /** $1 message ids, $2 their stream keys, $3 see {@link #KEPT_ROWS}; rows locked in key order first. */
    static final String QUOTING_EVENTS = "UPDATE stream_log SET envelope = jsonb_set(jsonb_set(envelope::jsonb, "
            + "'{data,replyTo,excerpt}', 'null'), '{data,replyTo,deleted}', 'true')::text "
            + "FROM (SELECT stream_key AS k, seq AS q FROM stream_log "
            + "WHERE (envelope::json #>> '{data,replyTo,id}') = ANY($1) AND stream_key = ANY($2) "
            + "AND (envelope::json #>> '{data,replyTo,deleted}') IS DISTINCT FROM 'true'" + KEPT_ROWS
            + " ORDER BY stream_key, seq FOR UPDATE) t WHERE stream_key = t.k AND seq = t.q";

    /** $1 message ids, $2 their tenants, $3 the post route. */
    static final String MESSAGE_RECORDS = "UPDATE idempotency_keys SET body = (body::jsonb || " + PURGED
            + "::jsonb)::text WHERE (body::json #>> '{id}') = ANY($1) AND tenant = ANY($2) AND route = $3 "
            + "AND (body::json #>> '{deleted}') IS DISTINCT FROM 'true'";

    /** $1 message ids, $2 their tenants, $3 the post route. */
    static final String QUOTING_RECORDS = "UPDATE idempotency_keys SET body = jsonb_set(jsonb_set(body::jsonb, "
            + "'{replyTo,excerpt}', 'null'), '{replyTo,deleted}', 'true')::text "
            + "WHERE (body::json #>> '{replyTo,id}') = ANY($1) AND tenant = ANY($2) AND route = $3 "
            + "AND (body::json #>> '{replyTo,deleted}') IS DISTINCT FROM 'true'";

    /** $1 attachment ids, $2 their tenants, $3 the upload route. */
    static final String UPLOAD_RECORDS = "DELETE FROM idempotency_keys WHERE (body::json #>> '{id}') = ANY($1) "
            + "AND tenant = ANY($2) AND route = $3";

    private final String postRoute;
    private final String uploadRoute;

    public Scrubber(String postRoute, String uploadRoute) {
        this.postRoute = postRoute;
        this.uploadRoute = uploadRoute;
    }

    /**
     * Scrubs the copies of messages that are gone and of their attachments' upload records; the statements run one
     * after the other (a message and a reply to it may both be in the set: both rewrites must apply to the reply).
     *
     * @param messageIds    the messages deleted or expired
     * @param streamKeys    the channel stream keys of their tenants
     * @param tenants       their tenants
     * @param attachmentIds the attachments (uploads) that went with them, or were never attached and expired
     * @param trimmedBefore null for a delete; for retention, the cutoff of the stream-log trim that follows in the
     *                      same run (published rows older than it are deleted there, so they are not rewritten here)
     */
    public Uni<Scrubbed> scrub(Sql sql, List<String> messageIds, List<String> streamKeys, List<String> tenants,
                               List<String> attachmentIds, OffsetDateTime trimmedBefore) {
        String[] keys = streamKeys.stream().distinct().toArray(String[]::new);
        String[] owners = tenants.stream().distinct().toArray(String[]::new);
        String[] ids = messageIds.toArray(String[]::new);
        String[] uploads = attachmentIds.toArray(String[]::new);
        int[] counts = new int[3];
        Uni<Void> chain = Uni.createFrom().voidItem();
        if (ids.length > 0) {
            chain = chain.chain(() -> sql.update(MESSAGE_EVENTS, ids, keys, trimmedBefore)).invoke(n -> counts[0] += n)
                    .chain(() -> sql.update(QUOTING_EVENTS, ids, keys, trimmedBefore)).invoke(n -> counts[1] += n)
                    .chain(() -> sql.update(MESSAGE_RECORDS, ids, owners, postRoute)).invoke(n -> counts[2] += n)
                    .chain(() -> sql.update(QUOTING_RECORDS, ids, owners, postRoute)).invoke(n -> counts[2] += n)
                    .replaceWithVoid();
        }
        if (uploads.length > 0) {
            chain = chain.chain(() -> sql.update(UPLOAD_RECORDS, uploads, owners, uploadRoute))
                    .invoke(n -> counts[2] += n).replaceWithVoid();
        }
        return chain.map(v -> new Scrubbed(counts[0], counts[1], counts[2]));
    }
}
