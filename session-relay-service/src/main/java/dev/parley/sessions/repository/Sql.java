package dev.parley.sessions.repository;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import org.hibernate.reactive.mutiny.Mutiny;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Native SQL on the current Hibernate Reactive session, so that state changes share the transaction of
 * {@code StreamLog.append} (the outbox). Positional parameters {@code ?1..?n}; times are read as epoch millis
 * ({@link #ms(String)}) so no driver-specific temporal type leaks out.
 */
final class Sql {

    private Sql() {
    }

    /** A select expression reading a timestamptz column as epoch milliseconds. */
    static String ms(String column) {
        return "CAST(EXTRACT(EPOCH FROM " + column + ") * 1000 AS bigint)";
    }

    static Uni<List<Object[]>> rows(String sql, Object... params) {
        return Panache.getSession().chain(session -> {
            Mutiny.SelectionQuery<Object[]> query = session.createNativeQuery(sql, Object[].class);
            for (int i = 0; i < params.length; i++) {
                query.setParameter(i + 1, params[i]);
            }
            return query.getResultList();
        }).map(list -> {
            List<Object[]> rows = new ArrayList<>(list.size());
            for (Object row : list) {
                rows.add(row instanceof Object[] array ? array : new Object[]{row});
            }
            return rows;
        });
    }

    static Uni<Optional<Object[]>> row(String sql, Object... params) {
        return rows(sql, params).map(rows -> rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0)));
    }

    static Uni<Integer> exec(String sql, Object... params) {
        return Panache.getSession().chain(session -> {
            Mutiny.Query<Object> query = session.createNativeQuery(sql);
            for (int i = 0; i < params.length; i++) {
                query.setParameter(i + 1, params[i]);
            }
            return query.executeUpdate();
        });
    }

    static Instant instant(Object epochMillis) {
        return epochMillis == null ? null : Instant.ofEpochMilli(((Number) epochMillis).longValue());
    }

    static long num(Object value) {
        return ((Number) value).longValue();
    }

    static String str(Object value) {
        return value == null ? null : value.toString();
    }
}
