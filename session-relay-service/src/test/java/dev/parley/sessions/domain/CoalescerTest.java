package dev.parley.sessions.domain;

import org.junit.jupiter.api.Test;

import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

/** Latest-wins coalescing per key on a shared flush grid, on explicit times (window 100 ms, grid 10 ms). */
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
    void withinItsWindowAKeyKeepsOnlyTheLatestItemUntilTheWindowEnds() {
        c.offer("a", "a1", false, 1_000);
        assertThat(c.flush(1_010)).containsExactly("a1");
        assertThat(c.offer("a", "a2", false, 1_020)).isEqualTo(1_110);
        assertThat(c.offer("a", "a3", false, 1_050)).isEqualTo(1_110);
        assertThat(c.flush(1_050)).isEmpty();
        assertThat(c.next(1_050)).isEqualTo(OptionalLong.of(1_110));
        assertThat(c.flush(1_110)).containsExactly("a3");
        // after the window with nothing new, the key is quiet: the next item leaves at the next step
        assertThat(c.flush(1_210)).isEmpty();
        assertThat(c.size()).isZero();
        assertThat(c.offer("a", "a4", false, 1_300)).isEqualTo(1_310);
    }

    @Test
    void theItemThatEndsTheTurnLeavesAtTheNextStepReplacingAPendingOne() {
        c.offer("a", "a1", false, 1_000);
        c.flush(1_010);
        c.offer("a", "running", false, 1_030);
        assertThat(c.offer("a", "completed", true, 1_031)).isEqualTo(1_040);
        assertThat(c.next(1_035)).isEqualTo(OptionalLong.of(1_040));
        assertThat(c.flush(1_040)).containsExactly("completed");
        assertThat(c.size()).isZero();
        assertThat(c.next(1_040)).isEmpty();
    }

    @Test
    void aFlushReleasesOnlyTheDueKeysAndSchedulesTheRest() {
        c.offer("a", "a1", false, 1_000);
        c.flush(1_010);
        c.offer("a", "a2", false, 1_040);   // due at 1,110
        c.offer("b", "b1", false, 1_041);   // fresh key: due now
        assertThat(c.flush(1_050)).containsExactly("b1");
        assertThat(c.next(1_050)).isEqualTo(OptionalLong.of(1_110));
        assertThat(c.flush(1_110)).containsExactly("a2");
    }
}
