package dev.parley.sessions.repository;

import dev.parley.platform.sql.SessionSql;
import dev.parley.sessions.domain.LedgerChain;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.UUID;

import static dev.parley.sessions.repository.Sql.num;
import static dev.parley.sessions.repository.Sql.str;

/** The ledger's stored chain (ADR 0057) and the stream log rows it is computed from. Call inside a transaction. */
@ApplicationScoped
public class LedgerRepository {

    /** The last seq chained and the chain after it. */
    public record Head(long seq, String chain) {
    }

    /** One stored link. */
    public record Entry(long seq, String sha256, String chain) {
    }

    /** One event of the stream log: its seq and its envelope exactly as stored (what subscribers receive). */
    public record Logged(long seq, String envelope) {
    }

    /** The head row, created at seq 0 on first use, locked {@code FOR UPDATE} (one extender per session at a time). */
    public Uni<Head> headForUpdate(UUID sessionId) {
        return Sql.exec("INSERT INTO session_ledger_head (session_id, seq, chain) VALUES (?1, 0, ?2) "
                        + "ON CONFLICT (session_id) DO NOTHING", sessionId, LedgerChain.GENESIS)
                .chain(() -> Sql.rows("SELECT seq, chain FROM session_ledger_head WHERE session_id = ?1 FOR UPDATE",
                        sessionId))
                .map(rows -> new Head(num(rows.get(0)[0]), str(rows.get(0)[1])));
    }

    public Uni<List<Logged>> logAfter(String streamKey, long after, int limit) {
        return Sql.rows("SELECT seq, envelope FROM stream_log WHERE stream_key = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
                        streamKey, after, limit)
                .map(rows -> rows.stream().map(r -> new Logged(num(r[0]), str(r[1]))).toList());
    }

    /** Stores links (ascending seqs) and moves the head to the last of them, in two statements. */
    public Uni<Void> store(UUID sessionId, List<Entry> entries) {
        if (entries.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Long[] seqs = entries.stream().map(Entry::seq).toArray(Long[]::new);
        String[] shas = entries.stream().map(Entry::sha256).toArray(String[]::new);
        String[] chains = entries.stream().map(Entry::chain).toArray(String[]::new);
        Entry last = entries.get(entries.size() - 1);
        return SessionSql.update("INSERT INTO session_ledger (session_id, seq, sha256, chain) "
                        + "SELECT $1, s, h, c FROM unnest(CAST($2 AS bigint[]), CAST($3 AS text[]), CAST($4 AS text[])) "
                        + "AS x(s, h, c) ON CONFLICT DO NOTHING", sessionId, seqs, shas, chains)
                .chain(() -> SessionSql.update("UPDATE session_ledger_head SET seq = $2, chain = $3 WHERE session_id = $1",
                        sessionId, last.seq(), last.chain()))
                .replaceWithVoid();
    }

    public Uni<List<Entry>> after(UUID sessionId, long after, int limit) {
        return Sql.rows("SELECT seq, sha256, chain FROM session_ledger WHERE session_id = ?1 AND seq > ?2 "
                        + "ORDER BY seq LIMIT ?3", sessionId, after, limit)
                .map(rows -> rows.stream().map(r -> new Entry(num(r[0]), str(r[1]), str(r[2]))).toList());
    }
}
