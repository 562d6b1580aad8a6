package dev.parley.platform.paging;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Pure paging arithmetic: items ascending, cursors for older and newer, empty pages included. */
class PageTest {

    @Test
    void newestPageBackwardsWithMoreBehindIt() {
        // fetched newest-first with one extra row
        Page<Long> page = Page.of(PageRequest.of(null, null, "3"), List.of(10L, 9L, 8L, 7L), s -> s);
        assertThat(page.items()).containsExactly(8L, 9L, 10L);
        assertThat(page.nextBefore()).isEqualTo(8L);
        assertThat(page.nextAfter()).isEqualTo(10L);
    }

    @Test
    void lastPageBackwardsHasNoOlderCursor() {
        Page<Long> page = Page.of(PageRequest.of("3", null, "5"), List.of(2L, 1L), s -> s);
        assertThat(page.items()).containsExactly(1L, 2L);
        assertThat(page.nextBefore()).isNull();
    }

    @Test
    void emptyPagesDoNotFail() {
        assertThat(Page.of(PageRequest.of(null, null, null), List.<Long>of(), s -> s).items()).isEmpty();
        assertThat(Page.of(PageRequest.of("5", null, null), List.<Long>of(), s -> s).nextAfter()).isEqualTo(4L);
        Page<Long> forward = Page.of(PageRequest.of(null, "9", null), List.<Long>of(), s -> s);
        assertThat(forward.items()).isEmpty();
        assertThat(forward.nextAfter()).isEqualTo(9L);
    }

    @Test
    void forwardPages() {
        Page<Long> page = Page.of(PageRequest.of(null, "4", "2"), List.of(5L, 6L, 7L), s -> s);
        assertThat(page.items()).containsExactly(5L, 6L);
        assertThat(page.nextAfter()).isEqualTo(6L);
        assertThat(page.nextBefore()).isEqualTo(5L);
    }
}
