package dev.parley.testing;

import dev.failsafe.Failsafe;
import dev.failsafe.RetryPolicy;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * Starting a shared server of the test JVM: each attempt picks its own ports and directory, so a port another
 * process took between {@link Ports#free()} and the server's bind costs one more attempt instead of every test of
 * the module (the whole module is skipped when a test resource fails to start).
 */
final class Starts {

    private static final RetryPolicy<Object> POLICY = RetryPolicy.builder()
            .withMaxAttempts(3)
            .withDelay(Duration.ofMillis(200))
            .onRetry(e -> System.err.println("[parley-testing] start failed, trying again with fresh ports: "
                    + e.getLastException()))
            .build();

    private Starts() {
    }

    static <T> T withRetries(Supplier<T> start) {
        return Failsafe.with(POLICY).get(start::get);
    }
}
