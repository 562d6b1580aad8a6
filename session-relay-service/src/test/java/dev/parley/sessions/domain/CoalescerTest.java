package dev.parley.sessions.domain;

import org.junit.jupiter.api.Test;

import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Latest-wins coalescing per key, rate-limited by GCRA (tolerance one window, emission every 4/5 of it), on a shared
 * flush grid: window 100, grid 10.
 */
class CoalescerTest {

    private final Coalescer<String> c = new Coalescer<>(100, 10);

    @Test
    void aFirstItemLeavesAtTheNextGridStepAndItemsOfManyKeysLeaveTogether() {
        assertThat(c.offer("a", "a1", false, 1_003)).isEqualTo(1_010);
        assertThat(c.offer("b", "b1", false, 1_007)).isEqualTo(1_010);
        assertThat(c.offer("c", "c1", false, 1_010)).isEqualTo(1_020);
        assertThat(c.flush(1_010)).containsExactlyInAnyOrder("a1", "b1", "c1");
        assertThat(c.next(1_010)).isEmpty();
    }

    @Test
    void aKeyReleasesTwoBackToBackThenOnePerEmissionIntervalAndTheLatestItemWins() {
        c.offer("a", "a1", false, 1_000);
        assertThat(c.flush(1_010)).containsExactly("a1");
        assertThat(c.offer("a", "a2", false, 1_020)).isEqualTo(1_030);
        assertThat(c.flush(1_030)).containsExactly("a2");
        // the burst is spent: the next may leave 80 ms (4/5 of the window) after the previous theoretical time
        assertThat(c.offer("a", "a3", false, 1_040)).isEqualTo(1_070);
        assertThat(c.offer("a", "a4", false, 1_060)).isEqualTo(1_070);
        assertThat(c.flush(1_060)).isEmpty();
        assertThat(c.next(1_060)).isEqualTo(OptionalLong.of(1_070));
        assertThat(c.flush(1_070)).containsExactly("a4");
        // quiet long enough: forgotten, and the next item leaves at the next step
        assertThat(c.flush(1_500)).isEmpty();
        assertThat(c.size()).isZero();
        assertThat(c.offer("a", "a5", false, 1_500)).isEqualTo(1_510);
    }

    @Test
    void aWriterAtOneItemPerWindowIsNeverHeldBackByItsJitter() {
        for (int k = 0; k < 100; k++) {
            long t = 10_000 + 100L * k + (k % 2 == 0 ? 9 : -9) + (k % 7);
            long at = c.offer("a", "a" + k, false, t);
            assertThat(at).as("write %d at %d", k, t).isLessThanOrEqualTo(t + 10);
            assertThat(c.flush(at)).containsExactly("a" + k);
        }
    }

    @Test
    void aStallOfTheWriterDoesNotHoldBackTheWritesAfterIt() {
        // one write per window, but writes 10 and 11 come 150 ms late and back to back (a paused client catching
        // up, as a fixed-rate timer does); a limiter with no headroom would keep every later write a window late
        long worst = 0;
        for (int k = 0; k < 60; k++) {
            long t = 10_005 + 100L * k;
            if (k == 10 || k == 11) {
                t = 11_155 + (k - 10) * 5;
            }
            long at = c.offer("a", "a" + k, false, t);
            assertThat(c.flush(at)).containsExactly("a" + k);
            if (k >= 20) {
                worst = Math.max(worst, at - t);
            }
        }
        assertThat(worst).as("delay of the on-time writes a second after the stall").isLessThanOrEqualTo(10);
    }

    @Test
    void aFasterWriterIsCutToAboutOnePerWindow() {
        int released = 0;
        for (long t = 10_000; t < 12_000; t += 10) {
            c.offer("a", "x" + t, false, t);
            released += c.flush(t + 10).size();
        }
        // 200 writes in two seconds: one per 80 ms (25), plus the burst of the tolerance (one or two more)
        assertThat(released).isBetween(25, 27);
    }

    @Test
    void theItemThatEndsTheTurnLeavesAtTheNextStepReplacingAPendingOne() {
        spendTheBurst();
        c.offer("a", "running", false, 1_030);
        assertThat(c.offer("a", "completed", true, 1_031)).isEqualTo(1_040);
        assertThat(c.next(1_035)).isEqualTo(OptionalLong.of(1_040));
        assertThat(c.flush(1_040)).containsExactly("completed");
        assertThat(c.size()).isZero();
        assertThat(c.next(1_040)).isEmpty();
    }

    @Test
    void aFlushReleasesOnlyTheKeysThatMayLeaveAndSchedulesTheRest() {
        spendTheBurst();
        c.offer("a", "a3", false, 1_040);   // a1 and a2 were the burst: from 1,070
        c.offer("b", "b1", false, 1_041);   // a fresh key: at once
        assertThat(c.flush(1_050)).containsExactly("b1");
        assertThat(c.next(1_050)).isEqualTo(OptionalLong.of(1_070));
        assertThat(c.flush(1_060)).isEmpty();
        assertThat(c.flush(1_070)).containsExactly("a3");
    }

    /** Key "a" releases a1 and a2 back to back (at 1,010 and 1,020): its tolerance is used up until 1,070. */
    private void spendTheBurst() {
        c.offer("a", "a1", false, 1_000);
        assertThat(c.flush(1_010)).containsExactly("a1");
        c.offer("a", "a2", false, 1_015);
        assertThat(c.flush(1_020)).containsExactly("a2");
    }
}
