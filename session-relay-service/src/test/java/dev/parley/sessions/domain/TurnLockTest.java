package dev.parley.sessions.domain;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class TurnLockTest {

    private static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");

    private static LockState free(long token) {
        return new LockState(token, null, null, null, null, null, NOW);
    }

    private static LockState held(long token, String ref, String turn, Instant expires) {
        return new LockState(token, ref, "Name", turn, NOW.minusSeconds(5), expires, NOW);
    }

    @Test
    void aFreeLockIsGrantedWithTheNextToken() {
        assertThat(TurnLock.acquire(free(0), "user:a", "t1")).isEqualTo(new TurnLock.Grant(1, false));
        assertThat(TurnLock.acquire(free(16), "user:a", "t1")).isEqualTo(new TurnLock.Grant(17, false));
    }

    @Test
    void aHeldLockIsRefusedNamingTheHolderButARetryOfTheSameTurnIsTheSameGrant() {
        LockState state = held(3, "user:a", "t1", NOW.plusSeconds(10));
        assertThat(TurnLock.acquire(state, "user:b", "t2")).isInstanceOf(TurnLock.Held.class)
                .extracting(d -> ((TurnLock.Held) d).holderRef()).isEqualTo("user:a");
        assertThat(TurnLock.acquire(state, "user:a", "t1")).isInstanceOf(TurnLock.Already.class);
        assertThat(TurnLock.acquire(state, "user:a", "t9")).isInstanceOf(TurnLock.Held.class);
    }

    @Test
    void anExpiredGrantIsTakenOverAndEnded() {
        LockState expired = held(3, "user:a", "t1", NOW);
        assertThat(expired.held()).isFalse();
        assertThat(TurnLock.acquire(expired, "user:b", "t2")).isEqualTo(new TurnLock.Grant(4, true));
    }

    @Test
    void fencing() {
        LockState live = held(5, "user:a", "t1", NOW.plusSeconds(10));
        assertThat(TurnLock.fence(live, null, "user:a")).isEqualTo(TurnLock.Fence.UNFENCED);
        assertThat(TurnLock.fence(live, 5L, "user:a")).isEqualTo(TurnLock.Fence.OK);
        assertThat(TurnLock.fence(live, 4L, "user:a")).isEqualTo(TurnLock.Fence.FENCED);
        assertThat(TurnLock.fence(live, 6L, "user:a")).isEqualTo(TurnLock.Fence.FENCED);
        assertThat(TurnLock.fence(live, 5L, "user:b")).isEqualTo(TurnLock.Fence.NOT_HOLDER);
        assertThat(TurnLock.fence(held(5, "user:a", "t1", NOW.minusMillis(1)), 5L, "user:a"))
                .isEqualTo(TurnLock.Fence.FENCED);
        assertThat(TurnLock.fence(free(5), 5L, "user:a")).isEqualTo(TurnLock.Fence.FENCED);
    }

    @Test
    void staleness() {
        java.time.Duration after = java.time.Duration.ofSeconds(30);
        assertThat(Live.stale("running", NOW.minusSeconds(31), NOW, after)).isTrue();
        assertThat(Live.stale("running", NOW.minusSeconds(29), NOW, after)).isFalse();
        assertThat(Live.stale("completed", NOW.minusSeconds(300), NOW, after)).isFalse();
    }
}
