package dev.parley.bench;

import java.time.Duration;
import java.util.concurrent.Callable;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Waiting for a condition in the load tools (Awaitility), never for a fixed time: readiness, drains, ramps. Sleeps
 * that remain in the harness are its schedule (warm-up, measuring window, pacing), not waits for something.
 */
final class Waits {

    private Waits() {
    }

    /**
     * Polls {@code condition} on the calling thread every {@code poll} until it holds (true) or {@code atMost} passed
     * (false); a condition that throws counts as not yet.
     */
    static boolean until(Duration atMost, Duration poll, Callable<Boolean> condition) {
        try {
            Awaitility.await().atMost(atMost).pollInSameThread().pollDelay(Duration.ZERO).pollInterval(poll)
                    .ignoreExceptions().until(condition);
            return true;
        } catch (ConditionTimeoutException e) {
            return false;
        }
    }
}
