package dev.parley.gateway.service;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.micrometer.core.instrument.Counter;

import java.time.Duration;

/**
 * One WebSocket connection's frame budget (contract §7: 50 frames per second, bursts of 100). A frame over it is
 * refused; a connection that sends more than {@code frame-flood-close} refused frames within 10 s is flooding and
 * gets closed with 1008. Used on the connection's context only.
 */
public final class FrameBudget {

    /** What to do with a frame. */
    public enum Verdict { ACCEPT, REFUSE, CLOSE }

    /** Refused frames are counted over this window: more than the flood limit in it closes the connection. */
    static final Duration FLOOD_WINDOW = Duration.ofSeconds(10);

    private final Bucket frames;
    private final Bucket refusals;
    private final Counter limited;

    FrameBudget(int perSecond, int burst, int floodClose, Counter limited) {
        this.frames = Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(burst).refillGreedy(perSecond, Duration.ofSeconds(1)).build())
                .build();
        this.refusals = Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(floodClose).refillGreedy(floodClose, FLOOD_WINDOW).build())
                .build();
        this.limited = limited;
    }

    public Verdict take() {
        if (frames.tryConsume(1)) {
            return Verdict.ACCEPT;
        }
        limited.increment();
        return refusals.tryConsume(1) ? Verdict.REFUSE : Verdict.CLOSE;
    }
}
