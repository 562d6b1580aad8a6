package dev.parley.gateway.service;

import io.quarkus.runtime.LaunchMode;

/** Test access to the package-private start-up check of {@link StreamTickets}. */
public final class StreamTicketsAccess {
    private StreamTicketsAccess() {
    }

    public static void check(String secret, LaunchMode mode) {
        StreamTickets.checkSecret(secret, mode);
    }
}
