package dev.parley.gateway.domain;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

/** The verified-token cache on a clock the test moves: never past a token's expiry, nor past the TTL. */
class TokenCacheTest {

    /** A clock that stands still until moved. */
    private static final class TestClock extends Clock {
        private Instant now = Instant.parse("2026-11-21T10:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    private final TestClock clock = new TestClock();
    private final TokenCache<String> cache = new TokenCache<>(100, Duration.ofSeconds(60), clock);

    @Test
    void aVerifiedTokenIsRememberedByItsExactTextWithinTheTtl() {
        cache.put("token-a", "ada", clock.instant().plusSeconds(3600));
        assertThat(cache.get("token-a")).isEqualTo("ada");
        assertThat(cache.get("token-b")).isNull();
        assertThat(cache.get("token-a ")).isNull();
        clock.advance(Duration.ofSeconds(59));
        assertThat(cache.get("token-a")).isEqualTo("ada");
        clock.advance(Duration.ofSeconds(1));
        assertThat(cache.get("token-a")).as("the TTL is over: verify again").isNull();
    }

    @Test
    void aTokenIsNeverServedPastItsOwnExpiry() {
        cache.put("short", "ada", clock.instant().plusSeconds(5));
        clock.advance(Duration.ofMillis(4_999));
        assertThat(cache.get("short")).isEqualTo("ada");
        clock.advance(Duration.ofMillis(1));
        assertThat(cache.get("short")).isNull();
        assertThat(cache.size()).isZero();
    }

    @Test
    void anExpiredTokenIsNotRemembered() {
        cache.put("old", "ada", clock.instant());
        cache.put("older", "ada", clock.instant().minusSeconds(1));
        assertThat(cache.get("old")).isNull();
        assertThat(cache.get("older")).isNull();
        assertThat(cache.size()).isZero();
    }

    @Test
    void itIsBoundedAndAZeroTtlTurnsItOff() {
        TokenCache<String> small = new TokenCache<>(10, Duration.ofSeconds(60), clock);
        for (int i = 0; i < 50; i++) {
            small.put("t" + i, "u" + i, clock.instant().plusSeconds(3600));
        }
        assertThat(small.size()).isLessThanOrEqualTo(10);

        TokenCache<String> off = new TokenCache<>(100, Duration.ZERO, clock);
        off.put("t", "u", clock.instant().plusSeconds(3600));
        assertThat(off.get("t")).isNull();
    }
}
