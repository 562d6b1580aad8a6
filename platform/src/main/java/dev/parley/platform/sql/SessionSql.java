package dev.parley.platform.sql;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import org.hibernate.reactive.mutiny.Mutiny;
import org.hibernate.reactive.mutiny.impl.MutinySessionImpl;
import org.hibernate.reactive.pool.ReactiveConnection;
import org.hibernate.reactive.session.ReactiveConnectionSupplier;

import java.util.ArrayList;
import java.util.List;

/**
 * Native PostgreSQL statements (placeholders {@code $1..$n}, arrays as Java arrays) on the connection of the current
 * Hibernate Reactive session, so inside its transaction, handed straight to the Vert.x SQL client.
 * <p>
 * Why not {@code session.createNativeQuery}: Hibernate ORM 7.2 caches native <em>select</em> plans under a key whose
 * result mapping never equals the next call's, so every call adds an entry with the same hash and lookups degrade
 * into long {@code equals} scans (a tenth of the CPU of a stream authorization in rooms-service, growing with
 * uptime); and each native query first auto-flushes the session. Statements here skip both: call
 * {@link Mutiny.Session#flush()} first when pending entity changes must reach the database before them (ADR 0045).
 * <p>
 * Every statement checks, at the moment it is sent, that its session is still open, and writes that it is inside
 * a transaction: work that outlives its request (a cancelled request's chain keeps running after Quarkus closed the
 * session and rolled its transaction back) then fails instead of writing on a connection that is back in the pool
 * or outside any transaction. Hibernate's own queries fail the same way on a closed session.
 */
public final class SessionSql {

    private SessionSql() {
    }

    /** The rows a read answers, each as its column values; in a transaction or not. */
    public static Uni<List<Object[]>> rows(String sql, Object... params) {
        return Panache.getSession().chain(session -> rows(session, false, sql, params));
    }

    /**
     * The rows a write with {@code RETURNING} (or a locking read) answers; refused outside a transaction.
     */
    public static Uni<List<Object[]>> rowsInTransaction(String sql, Object... params) {
        return Panache.getSession().chain(session -> rows(session, true, sql, params));
    }

    public static Uni<List<Object[]>> rowsInTransaction(Mutiny.Session session, String sql, Object... params) {
        return rows(session, true, sql, params);
    }

    /** Runs a write, refused outside a transaction; answers the number of rows it changed. */
    public static Uni<Integer> update(String sql, Object... params) {
        return Panache.getSession().chain(session -> Uni.createFrom()
                .completionStage(() -> connection(session, true).update(sql, params)));
    }

    private static Uni<List<Object[]>> rows(Mutiny.Session session, boolean transactional, String sql,
                                            Object... params) {
        return Uni.createFrom().completionStage(() -> connection(session, transactional).select(sql, params))
                .map(result -> {
                    List<Object[]> rows = new ArrayList<>(result.size());
                    result.forEachRemaining(rows::add);
                    return rows;
                });
    }

    /**
     * The session's own connection: Hibernate Reactive hands it out through its session implementation's unwrap.
     * Called when the statement is sent, on the session's event loop, so nothing interleaves with the checks.
     */
    private static ReactiveConnection connection(Mutiny.Session session, boolean transactional) {
        if (!(session instanceof MutinySessionImpl impl)) {
            throw new IllegalStateException("not a Hibernate Reactive session: " + session.getClass().getName());
        }
        if (!impl.isOpen()) {
            throw new IllegalStateException("the session is closed (its request ended or was cancelled)");
        }
        ReactiveConnection connection = impl.unwrap(ReactiveConnectionSupplier.class).getReactiveConnection();
        if (transactional && !connection.isTransactionInProgress()) {
            throw new IllegalStateException("this statement runs inside a transaction "
                    + "(Panache.withTransaction / @WithTransaction), and there is none (any more)");
        }
        return connection;
    }
}
