package dev.parley.platform.problem;

import io.vertx.pgclient.PgException;

import java.net.ConnectException;
import java.util.concurrent.TimeoutException;

/**
 * Which failures are a dependency being away (the database unreachable or restarting, its pool exhausted, a
 * timeout) rather than a fault of ours: those answer 503 with {@code Retry-After} (contract §1), with one log line.
 */
public final class Outages {

    private Outages() {
    }

    /** The first failure in the chain that says a dependency is unavailable, or null. */
    public static Throwable outage(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectException || t instanceof TimeoutException
                    || t instanceof io.smallrye.mutiny.TimeoutException
                    || t instanceof java.nio.channels.ClosedChannelException
                    || t instanceof io.vertx.sqlclient.ClosedConnectionException) {
                return t;
            }
            if (t instanceof PgException pg && unavailableState(pg.getSqlState())) {
                return t;
            }
            String name = t.getClass().getName();
            // Vert.x' pool wait timeout and its connection-refused wrapper carry no public type of their own
            if (name.endsWith("NoStackTraceTimeoutException") || name.endsWith("ConnectTimeoutException")
                    || name.endsWith("ConnectionPoolTooBusyException")) {
                return t;
            }
            if (t instanceof io.vertx.core.VertxException && t.getMessage() != null
                    && (t.getMessage().contains("Connection refused") || t.getMessage().contains("Pool closed")
                    || t.getMessage().contains("Connection is not active"))) {
                return t;
            }
        }
        return null;
    }

    /**
     * SQLSTATE classes of an unavailable server: 08 connection exception, 57P01–57P05 shutdown / crash / cannot
     * connect now, 53300 too many connections.
     */
    static boolean unavailableState(String state) {
        return state != null && (state.startsWith("08") || state.startsWith("57P") || state.equals("53300"));
    }
}
