package dev.parley.sessions.repository;

import dev.parley.events.payload.SessionMessage;
import dev.parley.platform.sql.SessionSql;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.buffer.Buffer;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static dev.parley.sessions.repository.Sql.num;
import static dev.parley.sessions.repository.Sql.str;

/** What a fork reads of the original (messages, transcript prefix, its stream) and records on the copy (ADR 0058). */
@ApplicationScoped
public class ForkRepository {

    /** One transcript chunk, already cut to the fork's length. */
    public record Chunk(long start, byte[] data) {
    }

    /** The head (last seq) of a stream; 0 when nothing was appended yet. */
    public Uni<Long> streamHead(String streamKey) {
        return Sql.rows("SELECT head, 1 FROM stream_head WHERE stream_key = ?1", streamKey)
                .map(rows -> rows.isEmpty() ? 0L : num(rows.get(0)[0]));
    }

    /** The transcript length its last {@code transcript.appended} at or before {@code atSeq} recorded (0: none). */
    public Uni<Long> transcriptLengthAt(String streamKey, long atSeq) {
        return Sql.rows("SELECT CAST(CAST(envelope AS jsonb) -> 'data' ->> 'length' AS bigint), 1 FROM stream_log "
                        + "WHERE stream_key = ?1 AND type = 'transcript.appended' AND seq <= ?2 ORDER BY seq DESC LIMIT 1",
                        streamKey, atSeq)
                .map(rows -> rows.isEmpty() ? 0L : num(rows.get(0)[0]));
    }

    /** Messages of the original with seq ≤ atSeq, ascending. */
    public Uni<List<SessionMessage>> messagesUpTo(UUID sessionId, long atSeq) {
        return Sql.rows("SELECT CAST(id AS text), seq, turn_id, role, content, author, author_name, "
                        + Sql.ms("created_at") + " FROM session_message WHERE session_id = ?1 AND seq <= ?2 ORDER BY seq",
                        sessionId, atSeq)
                .map(list -> list.stream().map(r -> new SessionMessage(str(r[0]), num(r[1]), sessionId.toString(),
                        str(r[2]), str(r[3]), str(r[4]), str(r[5]), str(r[6]), Sql.instant(r[7]))).toList());
    }

    /** Up to {@code batch} chunks starting at or after {@code from} and below {@code length}, cut at {@code length}. */
    public Uni<List<Chunk>> chunks(UUID sessionId, long from, long length, int batch) {
        return SessionSql.rows("SELECT start_offset, substring(data from 1 for CAST(LEAST(octet_length(data), "
                        + "$3 - start_offset) AS int)) FROM transcript_chunk WHERE session_id = $1 AND start_offset >= $2 "
                        + "AND start_offset < $3 ORDER BY start_offset LIMIT $4", sessionId, from, length, batch)
                .map(rows -> {
                    List<Chunk> chunks = new ArrayList<>(rows.size());
                    for (Object[] r : rows) {
                        Object data = r[1];
                        byte[] bytes = data instanceof Buffer b ? b.getBytes()
                                : data instanceof io.vertx.core.buffer.Buffer b2 ? b2.getBytes() : (byte[]) data;
                        chunks.add(new Chunk(((Number) r[0]).longValue(), bytes));
                    }
                    return chunks;
                });
    }

    /** Copies the original's transcript chunks below {@code length} to the fork, the last one cut at it. */
    public Uni<Void> copyChunks(UUID fromId, UUID forkId, long length) {
        return Sql.exec("INSERT INTO transcript_chunk (session_id, start_offset, data) SELECT ?2, start_offset, "
                + "substring(data from 1 for CAST(LEAST(octet_length(data), ?3 - start_offset) AS int)) "
                + "FROM transcript_chunk WHERE session_id = ?1 AND start_offset < ?3", fromId, forkId, length)
                .replaceWithVoid();
    }

    public Uni<Void> setHead(UUID sessionId, long length, String sha256, String state) {
        return Sql.exec("UPDATE transcript_head SET length = ?2, sha256 = ?3, state = ?4 WHERE session_id = ?1",
                sessionId, length, sha256, state).replaceWithVoid();
    }

    public Uni<Void> markForked(UUID forkId, UUID fromId, long seq) {
        return Sql.exec("UPDATE session SET forked_from_session = ?2, forked_from_seq = ?3 WHERE id = ?1",
                forkId, fromId, seq).replaceWithVoid();
    }

    /** Where a session was forked from: {@code [sessionId, seq]}, or empty for an original. */
    public Uni<Optional<Object[]>> forkedFrom(UUID id) {
        return Sql.row("SELECT CAST(forked_from_session AS text), forked_from_seq FROM session "
                + "WHERE id = ?1 AND forked_from_session IS NOT NULL", id);
    }
}
