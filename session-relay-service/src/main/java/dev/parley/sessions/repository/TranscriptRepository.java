package dev.parley.sessions.repository;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import static dev.parley.sessions.repository.Sql.num;
import static dev.parley.sessions.repository.Sql.str;

/**
 * The transcript: immutable chunks (bytea) keyed by their start offset, plus a head row (length, hash, resumable
 * hash state) that appends lock. Reads page through chunks with the plain reactive pool (no transaction needed:
 * chunks below a head's length never change).
 */
@ApplicationScoped
public class TranscriptRepository {

    /** The head: length in bytes, SHA-256 hex, and the serialized hash state. */
    public record Head(long length, String sha256, String state) {
    }

    /** One stored chunk. */
    public record Chunk(long start, byte[] data) {
    }

    private final Pool pool;

    public TranscriptRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<Head> headForUpdate(UUID sessionId) {
        return Sql.rows("SELECT length, sha256, state FROM transcript_head WHERE session_id = ?1 FOR UPDATE", sessionId)
                .map(rows -> new Head(num(rows.get(0)[0]), str(rows.get(0)[1]), str(rows.get(0)[2])));
    }

    public Uni<Head> head(UUID sessionId) {
        return Sql.rows("SELECT length, sha256, state FROM transcript_head WHERE session_id = ?1", sessionId)
                .map(rows -> new Head(num(rows.get(0)[0]), str(rows.get(0)[1]), str(rows.get(0)[2])));
    }

    public Uni<Void> append(UUID sessionId, long offset, byte[] data, Head after) {
        return Sql.exec("INSERT INTO transcript_chunk (session_id, start_offset, data) VALUES (?1, ?2, decode(?3, 'base64'))",
                        sessionId, offset, Base64.getEncoder().encodeToString(data))
                .chain(() -> Sql.exec("UPDATE transcript_head SET length = ?2, sha256 = ?3, state = ?4 WHERE session_id = ?1",
                        sessionId, after.length(), after.sha256(), after.state()))
                .replaceWithVoid();
    }

    /**
     * The stored bytes from {@code from} up to {@code length}, chunk by chunk ({@code batch} chunks per query), the
     * first one cut to start at {@code from}. Nothing is concatenated: memory stays at one batch.
     */
    public Multi<byte[]> read(UUID sessionId, long from, long length, int batch) {
        return Multi.createBy().repeating()
                .uni(() -> new long[]{from}, cursor -> cursor[0] >= length
                        ? Uni.createFrom().item(List.<Chunk>of())
                        : page(sessionId, cursor[0], length, batch).invoke(chunks -> {
                            if (!chunks.isEmpty()) {
                                Chunk last = chunks.get(chunks.size() - 1);
                                cursor[0] = last.start() + last.data().length;
                            }
                        }))
                .until(List::isEmpty)
                .onItem().transformToMultiAndConcatenate(chunks -> Multi.createFrom().iterable(chunks))
                .map(chunk -> {
                    int skip = (int) Math.max(0, from - chunk.start());
                    int end = (int) Math.min(chunk.data().length, length - chunk.start());
                    return skip == 0 && end == chunk.data().length ? chunk.data()
                            : java.util.Arrays.copyOfRange(chunk.data(), skip, end);
                });
    }

    private Uni<List<Chunk>> page(UUID sessionId, long from, long length, int batch) {
        return pool.preparedQuery("SELECT start_offset, data FROM transcript_chunk WHERE session_id = $1 "
                        + "AND start_offset + octet_length(data) > $2 AND start_offset < $3 ORDER BY start_offset LIMIT $4")
                .execute(Tuple.of(sessionId, from, length, batch))
                .map(rows -> {
                    List<Chunk> chunks = new ArrayList<>(rows.size());
                    for (Row row : rows) {
                        chunks.add(new Chunk(row.getLong(0), row.getBuffer(1).getBytes()));
                    }
                    return chunks;
                });
    }

    /** The byte at an offset (to check that a read starts on a character boundary). */
    public Uni<Byte> byteAt(UUID sessionId, long offset) {
        return pool.preparedQuery("SELECT get_byte(data, CAST($2 - start_offset AS int)) FROM transcript_chunk "
                        + "WHERE session_id = $1 AND start_offset <= $2 AND start_offset + octet_length(data) > $2")
                .execute(Tuple.of(sessionId, offset))
                .map(rows -> rows.size() == 0 ? (byte) 0 : (byte) rows.iterator().next().getInteger(0).intValue());
    }
}
