package dev.parley.platform.idempotency;

import dev.parley.events.Json;
import dev.parley.platform.identity.Caller;
import dev.parley.platform.problem.ErrorCodes;
import dev.parley.platform.problem.ProblemException;
import dev.parley.platform.sql.SessionSql;
import io.quarkus.arc.properties.IfBuildProperty;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * {@code Idempotency-Key} (API.md §1): the same key from the same caller on the same route within 24 h returns the
 * first response and creates nothing new; the same key with a different body → 422 {@code idempotency.key_reused}.
 * The key is recorded in the same transaction as the creation, so a failed creation records nothing.
 */
@ApplicationScoped
@IfBuildProperty(name = "parley.stream-log.enabled", stringValue = "true", enableIfMissing = true)
public class Idempotency {

    public static final String HEADER = "Idempotency-Key";
    private static final Pattern KEY = Pattern.compile("[\\x20-\\x7E]{1,128}");

    private final Pool pool;

    public Idempotency(Pool pool) {
        this.pool = pool;
    }

    /**
     * Runs {@code create} once per key and answers 201 with what it returns. Call inside a transaction.
     *
     * @param route   the route the key is scoped to, e.g. {@code "POST /api/channel/messages"}
     * @param request the request body (its JSON form is hashed to tell a retry from a reuse)
     */
    public <T> Uni<Response> create(Caller caller, String route, String key, Object request, Supplier<Uni<T>> create) {
        if (key == null) {
            return create.get().map(Idempotency::created);
        }
        if (!KEY.matcher(key).matches()) {
            throw ProblemException.badRequest(ErrorCodes.IDEMPOTENCY_KEY_INVALID,
                    "Idempotency-Key must be 1-128 printable ASCII characters");
        }
        String hash = sha256(Json.bytes(request == null ? "" : request));
        return SessionSql.rows("SELECT request_hash, status, body FROM idempotency_keys WHERE tenant = $1 "
                        + "AND principal = $2 AND route = $3 AND key = $4 AND created_at > now() - interval '24 hours'",
                        caller.tenant(), caller.principal(), route, key)
                .chain(found -> {
                    if (!found.isEmpty()) {
                        return Uni.createFrom().item(replay(found.get(0), hash));
                    }
                    return create.get().chain(result -> SessionSql.update("INSERT INTO idempotency_keys "
                                    + "(tenant, principal, route, key, request_hash, status, body) "
                                    + "VALUES ($1, $2, $3, $4, $5, 201, $6) "
                                    + "ON CONFLICT (tenant, principal, route, key) DO UPDATE SET "
                                    + "request_hash = excluded.request_hash, status = excluded.status, "
                                    + "body = excluded.body, created_at = now() "
                                    + "WHERE idempotency_keys.created_at <= now() - interval '24 hours'",
                                    caller.tenant(), caller.principal(), route, key, hash, Json.string(result))
                            .map(rows -> {
                                if (rows == 0) {
                                    throw ProblemException.conflict(ErrorCodes.IDEMPOTENCY_IN_PROGRESS,
                                            "a request with this Idempotency-Key is being processed; retry");
                                }
                                return created(result);
                            }));
                });
    }

    private static Response replay(Object[] row, String hash) {
        if (!hash.equals(row[0])) {
            throw ProblemException.limit(ErrorCodes.IDEMPOTENCY_KEY_REUSED,
                    "this Idempotency-Key was used with a different body");
        }
        return Response.status(((Number) row[1]).intValue()).type(MediaType.APPLICATION_JSON)
                .entity(row[2]).header("Idempotent-Replayed", "true").build();
    }

    private static Response created(Object result) {
        return Response.status(201).type(MediaType.APPLICATION_JSON).entity(result).build();
    }

    /** Forgets keys older than 24 h. */
    @Scheduled(every = "1h", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> expire() {
        return pool.query("DELETE FROM idempotency_keys WHERE created_at < now() - interval '24 hours'")
                .execute().replaceWithVoid();
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

}
