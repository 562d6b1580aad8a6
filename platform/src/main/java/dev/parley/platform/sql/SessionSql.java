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
 */
public final class SessionSql {

    private SessionSql() {
    }

    /** The rows a statement answers (a {@code SELECT}, or a write with {@code RETURNING}), each as its column values. */
    public static Uni<List<Object[]>> rows(String sql, Object... params) {
        return Panache.getSession().chain(session -> rows(session, sql, params));
    }

    public static Uni<List<Object[]>> rows(Mutiny.Session session, String sql, Object... params) {
        return Uni.createFrom().completionStage(() -> connection(session).select(sql, params)).map(result -> {
            List<Object[]> rows = new ArrayList<>(result.size());
            result.forEachRemaining(rows::add);
            return rows;
        });
    }

    /** Runs a write; answers the number of rows it changed. */
    public static Uni<Integer> update(String sql, Object... params) {
        return Panache.getSession().chain(session -> update(session, sql, params));
    }

    public static Uni<Integer> update(Mutiny.Session session, String sql, Object... params) {
        return Uni.createFrom().completionStage(() -> connection(session).update(sql, params));
    }

    /** The session's own connection: Hibernate Reactive hands it out through its session implementation's unwrap. */
    private static ReactiveConnection connection(Mutiny.Session session) {
        if (!(session instanceof MutinySessionImpl impl)) {
            throw new IllegalStateException("not a Hibernate Reactive session: " + session.getClass().getName());
        }
        return impl.unwrap(ReactiveConnectionSupplier.class).getReactiveConnection();
    }
}
