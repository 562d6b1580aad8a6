package dev.parley.sessions.repository;

import dev.parley.events.payload.SessionMember;
import dev.parley.events.payload.SessionMessage;
import dev.parley.sessions.domain.Access;
import dev.parley.sessions.domain.Sha256State;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static dev.parley.sessions.repository.Sql.instant;
import static dev.parley.sessions.repository.Sql.ms;
import static dev.parley.sessions.repository.Sql.num;
import static dev.parley.sessions.repository.Sql.str;

/** Sessions, members, messages and the engine id. Call inside a Panache session or transaction. */
@ApplicationScoped
public class SessionRepository {

    /** A session row as listed: its fields and the caller's role. */
    public record SessionRow(UUID id, String title, String ownerRef, String engineSessionId, Instant createdAt,
                             String role) {
    }

    /** Creates the session with its owner, its turn-lock row and its empty transcript; returns createdAt. */
    public Uni<Instant> create(UUID id, String tenant, String title, String ownerRef, String ownerName) {
        Sha256State empty = Sha256State.initial();
        return Sql.rows("INSERT INTO session (id, tenant, title, owner_ref) VALUES (?1, ?2, ?3, ?4) RETURNING "
                        + ms("created_at") + ", 1", id, tenant, title, ownerRef)
                .map(rows -> instant(rows.get(0)[0]))
                .call(createdAt -> Sql.exec("INSERT INTO session_member (session_id, ref, name, role, added_by, added_at) "
                        + "SELECT ?1, ?2, ?3, 'owner', ?2, created_at FROM session WHERE id = ?1", id, ownerRef, ownerName))
                .call(() -> Sql.exec("INSERT INTO turn_lock (session_id) VALUES (?1)", id))
                .call(() -> Sql.exec("INSERT INTO transcript_head (session_id, length, sha256, state) VALUES (?1, 0, ?2, ?3)",
                        id, empty.hex(), empty.encode()));
    }

    /** The caller's access to a session of their tenant, if they are a member. */
    public Uni<Optional<Access>> access(UUID id, String tenant, String ref) {
        return Sql.row("SELECT s.title, s.owner_ref, s.engine_session_id, m.role FROM session s "
                        + "JOIN session_member m ON m.session_id = s.id WHERE s.id = ?1 AND s.tenant = ?2 AND m.ref = ?3",
                id, tenant, ref)
                .map(row -> row.map(r -> new Access(id, tenant, str(r[0]), str(r[1]), str(r[2]), str(r[3]))));
    }

    public Uni<Optional<SessionRow>> find(UUID id, String tenant, String ref) {
        return Sql.row("SELECT s.title, s.owner_ref, s.engine_session_id, " + ms("s.created_at") + ", m.role FROM session s "
                        + "JOIN session_member m ON m.session_id = s.id WHERE s.id = ?1 AND s.tenant = ?2 AND m.ref = ?3",
                id, tenant, ref)
                .map(row -> row.map(r -> new SessionRow(id, str(r[0]), str(r[1]), str(r[2]), instant(r[3]), str(r[4]))));
    }

    /** Sessions the member owns or that are shared with them, newest first. */
    public Uni<List<SessionRow>> listFor(String tenant, String ref) {
        return Sql.rows("SELECT CAST(s.id AS text), s.title, s.owner_ref, s.engine_session_id, " + ms("s.created_at")
                        + ", m.role FROM session s JOIN session_member m ON m.session_id = s.id "
                        + "WHERE m.ref = ?1 AND s.tenant = ?2 ORDER BY s.created_at DESC, s.id", ref, tenant)
                .map(rows -> rows.stream().map(r -> new SessionRow(UUID.fromString(str(r[0])), str(r[1]), str(r[2]),
                        str(r[3]), instant(r[4]), str(r[5]))).toList());
    }

    /** Members of the sessions, in the order they were added (names as stored; the service fills roster names). */
    public Uni<Map<UUID, List<SessionMember>>> members(List<UUID> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return Sql.rows("SELECT CAST(session_id AS text), ref, name, role, added_by, " + ms("added_at")
                        + " FROM session_member WHERE session_id IN (?1) ORDER BY added_at, ref", ids)
                .map(rows -> {
                    Map<UUID, List<SessionMember>> byId = new LinkedHashMap<>();
                    for (Object[] r : rows) {
                        byId.computeIfAbsent(UUID.fromString(str(r[0])), k -> new ArrayList<>())
                                .add(new SessionMember(str(r[1]), str(r[2]), str(r[3]), str(r[4]), instant(r[5])));
                    }
                    return byId;
                });
    }

    public Uni<Long> memberCount(UUID id) {
        return Sql.rows("SELECT count(*), 1 FROM session_member WHERE session_id = ?1", id).map(rows -> num(rows.get(0)[0]));
    }

    /** Locks the session row (serialises membership changes of one session). */
    public Uni<Void> lock(UUID id) {
        return Sql.rows("SELECT 1, 2 FROM session WHERE id = ?1 FOR UPDATE", id).replaceWithVoid();
    }

    public Uni<Optional<SessionMember>> member(UUID id, String ref) {
        return Sql.row("SELECT ref, name, role, added_by, " + ms("added_at")
                        + " FROM session_member WHERE session_id = ?1 AND ref = ?2", id, ref)
                .map(row -> row.map(r -> new SessionMember(str(r[0]), str(r[1]), str(r[2]), str(r[3]), instant(r[4]))));
    }

    public Uni<SessionMember> addMember(UUID id, String ref, String name, String addedBy) {
        return Sql.rows("INSERT INTO session_member (session_id, ref, name, role, added_by) VALUES (?1, ?2, ?3, 'writer', ?4) "
                        + "RETURNING " + ms("added_at") + ", 1", id, ref, name, addedBy)
                .map(rows -> new SessionMember(ref, name, "writer", addedBy, instant(rows.get(0)[0])));
    }

    public Uni<Integer> removeMember(UUID id, String ref) {
        return Sql.exec("DELETE FROM session_member WHERE session_id = ?1 AND ref = ?2 AND role <> 'owner'", id, ref);
    }

    /** Sets the engine id if none is set; answers the id now stored. */
    public Uni<String> setEngineIfAbsent(UUID id, String engineSessionId) {
        return Sql.exec("UPDATE session SET engine_session_id = ?2 WHERE id = ?1 AND engine_session_id IS NULL",
                        id, engineSessionId)
                .chain(() -> Sql.rows("SELECT engine_session_id, 1 FROM session WHERE id = ?1", id))
                .map(rows -> str(rows.get(0)[0]));
    }

    public Uni<Void> insertMessage(UUID sessionId, SessionMessage m) {
        return Sql.exec("INSERT INTO session_message (id, session_id, seq, turn_id, role, content, author, author_name, created_at) "
                        + "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                UUID.fromString(m.id()), sessionId, m.seq(), m.turnId(), m.role(), m.content(), m.author(), m.authorName(),
                java.time.OffsetDateTime.ofInstant(m.createdAt(), java.time.ZoneOffset.UTC)).replaceWithVoid();
    }

    /** Messages after a seq ascending, or before a seq (null: the newest) descending; limit rows. */
    public Uni<List<SessionMessage>> messages(UUID sessionId, Long after, Long before, int limit) {
        String cols = "SELECT CAST(id AS text), seq, turn_id, role, content, author, author_name, " + ms("created_at")
                + " FROM session_message WHERE session_id = ?1 ";
        Uni<List<Object[]>> rows = after != null
                ? Sql.rows(cols + "AND seq > ?2 ORDER BY seq ASC LIMIT ?3", sessionId, after, limit)
                : Sql.rows(cols + "AND seq < ?2 ORDER BY seq DESC LIMIT ?3", sessionId,
                before == null ? Long.MAX_VALUE : before, limit);
        return rows.map(list -> list.stream().map(r -> new SessionMessage(str(r[0]), num(r[1]), sessionId.toString(),
                str(r[2]), str(r[3]), str(r[4]), str(r[5]), str(r[6]), instant(r[7]))).toList());
    }
}
