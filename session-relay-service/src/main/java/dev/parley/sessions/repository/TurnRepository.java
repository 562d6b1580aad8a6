package dev.parley.sessions.repository;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.parley.events.Json;
import dev.parley.events.payload.Tool;
import dev.parley.sessions.domain.LockState;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
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

    /**
     * A fenced live write as one statement: the session (of the tenant), the writer's membership and the turn-lock
     * row read under {@code FOR SHARE} (no grant can change until the write commits), and the snapshot upserted only
     * when the token is the live grant of the writer ({@link dev.parley.sessions.domain.TurnLock#fence} = OK).
     * No row: no such session in the tenant.
     */
    public record LiveWritten(boolean member, long fencingToken, boolean held, String holderRef, LiveRow row) {
    }

    private static final String WRITE_LIVE = "WITH l AS ("
            + "SELECT t.fencing_token, t.holder_ref, "
            + "t.holder_ref IS NOT NULL AND t.expires_at > clock_timestamp() AS held, "
            + "EXISTS (SELECT 1 FROM session_member m WHERE m.session_id = t.session_id AND m.ref = $3) AS member "
            + "FROM turn_lock t JOIN session s ON s.id = t.session_id "
            + "WHERE t.session_id = $1 AND s.tenant = $2 FOR SHARE OF t), "
            + "w AS (INSERT INTO session_live AS o (session_id, turn_id, status, text, thinking, tools, started_by, updated_at) "
            + "SELECT $1, CAST($4 AS text), CAST($5 AS text), CAST($6 AS text), CAST($7 AS text), CAST($8 AS text), $3, "
            + "clock_timestamp() FROM l WHERE l.member AND l.held AND l.fencing_token = $9 AND l.holder_ref = $3 "
            + "ON CONFLICT (session_id) DO UPDATE SET "
            + "started_by = CASE WHEN o.turn_id = excluded.turn_id THEN o.started_by ELSE excluded.started_by END, "
            + "turn_id = excluded.turn_id, status = excluded.status, text = excluded.text, "
            + "thinking = excluded.thinking, tools = excluded.tools, updated_at = excluded.updated_at "
            + "RETURNING o.started_by, " + ms("o.updated_at") + " AS updated_ms, " + ms("clock_timestamp()") + " AS now_ms) "
            + "SELECT l.member, l.fencing_token, l.held, l.holder_ref, w.started_by, w.updated_ms, w.now_ms "
            + "FROM l LEFT JOIN w ON true";

    private final Pool pool;

    public TurnRepository(Pool pool) {
        this.pool = pool;
    }

    private static final String STATE = "SELECT fencing_token, holder_ref, holder_name, turn_id, " + ms("since") + ", "
            + ms("expires_at") + ", " + ms("clock_timestamp()") + ", cancel_by_ref, cancel_by_name, "
            + ms("cancel_deadline") + " FROM turn_lock WHERE session_id = ?1 ";

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
        return new LockState(num(r[0]), str(r[1]), str(r[2]), str(r[3]), instant(r[4]), instant(r[5]), instant(r[6]),
                str(r[7]), str(r[8]), instant(r[9]));
    }

    /** Records a grant; since and expiry come from the database clock. Returns {@code [since, expiresAt]}. */
    public Uni<Instant[]> grant(UUID sessionId, long token, String holderRef, String holderName, String turnId,
                                Duration ttl) {
        return Sql.rows("UPDATE turn_lock SET fencing_token = ?2, holder_ref = ?3, holder_name = ?4, turn_id = ?5, "
                        + "since = clock_timestamp(), expires_at = clock_timestamp() + ?6 * interval '1 millisecond', "
                        + "cancel_by_ref = NULL, cancel_by_name = NULL, cancel_deadline = NULL "
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
                + "expires_at = NULL, cancel_by_ref = NULL, cancel_by_name = NULL, cancel_deadline = NULL "
                + "WHERE session_id = ?1", sessionId).replaceWithVoid();
    }

    /**
     * Records a cancel request on the current grant (call under {@code FOR UPDATE}); the deadline is the database
     * clock plus the grace. A grant asked twice keeps its first requester and deadline.
     */
    public Uni<Void> requestCancel(UUID sessionId, String byRef, String byName, Duration grace) {
        return Sql.exec("UPDATE turn_lock SET cancel_by_ref = ?2, cancel_by_name = ?3, "
                + "cancel_deadline = clock_timestamp() + ?4 * interval '1 millisecond' "
                + "WHERE session_id = ?1 AND cancel_by_ref IS NULL", sessionId, byRef, byName, grace.toMillis())
                .replaceWithVoid();
    }

    /** Marks the session's live snapshot of that turn {@code cancelled} (the server ended it; database clock). */
    public Uni<Void> markLiveCancelled(UUID sessionId, String turnId) {
        return Sql.exec("UPDATE session_live SET status = 'cancelled', updated_at = clock_timestamp() "
                + "WHERE session_id = ?1 AND turn_id = ?2", sessionId, turnId).replaceWithVoid();
    }

    /**
     * Sessions (id, tenant) whose grant expired by the database clock and was never released, or whose turn was asked
     * to stop and is still held past its cancel deadline (ADR 0056).
     */
    public Uni<List<Object[]>> expired(int limit) {
        return Sql.rows("SELECT CAST(l.session_id AS text), s.tenant FROM turn_lock l JOIN session s ON s.id = l.session_id "
                + "WHERE l.holder_ref IS NOT NULL AND (l.expires_at <= clock_timestamp() "
                + "OR l.cancel_deadline <= clock_timestamp()) LIMIT ?1", limit);
    }

    /**
     * The live PUT's one round trip, in its own (implicit) transaction, on the plain reactive pool: empty when the
     * session does not exist in the tenant; otherwise the lock as read and, when the write was allowed, the row.
     */
    public Uni<Optional<LiveWritten>> writeLive(UUID sessionId, String tenant, String callerRef, String turnId,
                                                String status, String text, String thinking, List<Tool> tools,
                                                long fencingToken) {
        return pool.preparedQuery(WRITE_LIVE)
                .execute(Tuple.from(new Object[]{sessionId, tenant, callerRef, turnId, status, text, thinking,
                        Json.string(tools), fencingToken}))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return Optional.empty();
                    }
                    Row r = rows.iterator().next();
                    String startedBy = r.getString("started_by");
                    LiveRow row = startedBy == null ? null : new LiveRow(turnId, status, text, thinking, tools,
                            startedBy, instant(r.getLong("updated_ms")), instant(r.getLong("now_ms")));
                    return Optional.of(new LiveWritten(r.getBoolean("member"), r.getLong("fencing_token"),
                            r.getBoolean("held"), r.getString("holder_ref"), row));
                });
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
