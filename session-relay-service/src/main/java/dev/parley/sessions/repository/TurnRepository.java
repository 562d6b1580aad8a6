package dev.parley.sessions.repository;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.parley.events.Json;
import dev.parley.events.payload.Tool;
import dev.parley.sessions.domain.LockState;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static dev.parley.sessions.repository.Sql.instant;
import static dev.parley.sessions.repository.Sql.ms;
import static dev.parley.sessions.repository.Sql.num;
import static dev.parley.sessions.repository.Sql.str;

/**
 * The turn-lock row and the live snapshot row of a session. Every lock decision reads the row under a row lock
 * ({@code FOR UPDATE} to change it, {@code FOR SHARE} to check a fencing token while writing), with the database
 * clock ({@code clock_timestamp()}) read in the same statement: replicas never trust their own clocks.
 */
@ApplicationScoped
public class TurnRepository {

    private static final TypeReference<List<Tool>> TOOLS = new TypeReference<>() {
    };

    /** A stored live snapshot with the database clock when it was read. */
    public record LiveRow(String turnId, String status, String text, String thinking, List<Tool> tools,
                          String startedBy, Instant updatedAt, Instant now) {
    }

    private static final String STATE = "SELECT fencing_token, holder_ref, holder_name, turn_id, " + ms("since") + ", "
            + ms("expires_at") + ", " + ms("clock_timestamp()") + " FROM turn_lock WHERE session_id = ?1 ";

    public Uni<LockState> lockForUpdate(UUID sessionId) {
        return Sql.rows(STATE + "FOR UPDATE", sessionId).map(rows -> state(rows.get(0)));
    }

    public Uni<LockState> lockForShare(UUID sessionId) {
        return Sql.rows(STATE + "FOR SHARE", sessionId).map(rows -> state(rows.get(0)));
    }

    /** Skips a row another transaction holds (the sweeper must not queue behind a busy session). */
    public Uni<Optional<LockState>> lockIfFree(UUID sessionId) {
        return Sql.row(STATE + "FOR UPDATE SKIP LOCKED", sessionId).map(row -> row.map(TurnRepository::state));
    }

    private static LockState state(Object[] r) {
        return new LockState(num(r[0]), str(r[1]), str(r[2]), str(r[3]), instant(r[4]), instant(r[5]), instant(r[6]));
    }

    /** Records a grant; since and expiry come from the database clock. Returns {@code [since, expiresAt]}. */
    public Uni<Instant[]> grant(UUID sessionId, long token, String holderRef, String holderName, String turnId,
                                Duration ttl) {
        return Sql.rows("UPDATE turn_lock SET fencing_token = ?2, holder_ref = ?3, holder_name = ?4, turn_id = ?5, "
                        + "since = clock_timestamp(), expires_at = clock_timestamp() + ?6 * interval '1 millisecond' "
                        + "WHERE session_id = ?1 RETURNING " + ms("since") + ", " + ms("expires_at"),
                sessionId, token, holderRef, holderName, turnId, ttl.toMillis())
                .map(rows -> new Instant[]{instant(rows.get(0)[0]), instant(rows.get(0)[1])});
    }

    public Uni<Instant> extend(UUID sessionId, Duration ttl) {
        return Sql.rows("UPDATE turn_lock SET expires_at = clock_timestamp() + ?2 * interval '1 millisecond' "
                        + "WHERE session_id = ?1 RETURNING " + ms("expires_at") + ", 1", sessionId, ttl.toMillis())
                .map(rows -> instant(rows.get(0)[0]));
    }

    /** Ends the current grant (the token stays: a later grant gets a larger one). */
    public Uni<Void> clear(UUID sessionId) {
        return Sql.exec("UPDATE turn_lock SET holder_ref = NULL, holder_name = NULL, turn_id = NULL, since = NULL, "
                + "expires_at = NULL WHERE session_id = ?1", sessionId).replaceWithVoid();
    }

    /** Sessions (id, tenant) whose grant expired by the database clock and was never released. */
    public Uni<List<Object[]>> expired(int limit) {
        return Sql.rows("SELECT CAST(l.session_id AS text), s.tenant FROM turn_lock l JOIN session s ON s.id = l.session_id "
                + "WHERE l.holder_ref IS NOT NULL AND l.expires_at <= clock_timestamp() LIMIT ?1", limit);
    }

    public Uni<LiveRow> upsertLive(UUID sessionId, String turnId, String status, String text, String thinking,
                                   List<Tool> tools, String callerRef) {
        return Sql.rows("INSERT INTO session_live (session_id, turn_id, status, text, thinking, tools, started_by, updated_at) "
                        + "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, clock_timestamp()) ON CONFLICT (session_id) DO UPDATE SET "
                        + "started_by = CASE WHEN session_live.turn_id = excluded.turn_id THEN session_live.started_by "
                        + "ELSE excluded.started_by END, turn_id = excluded.turn_id, status = excluded.status, "
                        + "text = excluded.text, thinking = excluded.thinking, tools = excluded.tools, "
                        + "updated_at = excluded.updated_at RETURNING started_by, " + ms("updated_at") + ", "
                        + ms("clock_timestamp()"),
                        sessionId, turnId, status, text, thinking, Json.string(tools), callerRef)
                .map(rows -> new LiveRow(turnId, status, text, thinking, tools, str(rows.get(0)[0]),
                        instant(rows.get(0)[1]), instant(rows.get(0)[2])));
    }

    public Uni<Optional<LiveRow>> live(UUID sessionId) {
        return Sql.row("SELECT turn_id, status, text, thinking, tools, started_by, " + ms("updated_at") + ", "
                        + ms("clock_timestamp()") + " FROM session_live WHERE session_id = ?1", sessionId)
                .map(row -> row.map(r -> new LiveRow(str(r[0]), str(r[1]), str(r[2]), str(r[3]),
                        readTools(str(r[4])), str(r[5]), instant(r[6]), instant(r[7]))));
    }

    private static List<Tool> readTools(String json) {
        try {
            return Json.MAPPER.readValue(json, TOOLS);
        } catch (Exception e) {
            return List.of();
        }
    }
}
