package dev.parley.rooms.domain;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class WebhookSignatureTest {

    @Test
    void signatureIsHmacSha256OfTimestampDotBody() {
        // echo -n '1700000000.{"a":1}' | openssl dgst -sha256 -hmac key
        assertThat(WebhookSignature.sign("key", 1_700_000_000L, "{\"a\":1}".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("sha256=a438e398bfafc57e4396bb7fc2304422f0f768e965d073ca313cb52e22e6ad03");
        assertThat(WebhookSignature.sign("key", 1L, new byte[0]))
                .isNotEqualTo(WebhookSignature.sign("other", 1L, new byte[0]))
                .isNotEqualTo(WebhookSignature.sign("key", 2L, new byte[0]));
    }

    @Test
    void backoffDoublesUpToTheMaximum() {
        Duration initial = Duration.ofSeconds(1);
        Duration max = Duration.ofSeconds(10);
        assertThat(WebhookSignature.backoff(1, initial, max)).isEqualTo(Duration.ofSeconds(1));
        assertThat(WebhookSignature.backoff(2, initial, max)).isEqualTo(Duration.ofSeconds(2));
        assertThat(WebhookSignature.backoff(3, initial, max)).isEqualTo(Duration.ofSeconds(4));
        assertThat(WebhookSignature.backoff(4, initial, max)).isEqualTo(Duration.ofSeconds(8));
        assertThat(WebhookSignature.backoff(5, initial, max)).isEqualTo(max);
        assertThat(WebhookSignature.backoff(60, initial, max)).isEqualTo(max);
    }

    @Test
    void item15TheBackoffIsJitteredBetweenHalfAndAllOfIt() {
        Duration backoff = Duration.ofSeconds(8);
        assertThat(WebhookSignature.jittered(backoff, 0)).isEqualTo(Duration.ofSeconds(4));
        assertThat(WebhookSignature.jittered(backoff, 0.5)).isEqualTo(Duration.ofSeconds(6));
        assertThat(WebhookSignature.jittered(backoff, 0.999_999)).isEqualTo(Duration.ofSeconds(8));
        assertThat(WebhookSignature.jittered(Duration.ofMillis(101), 0)).isEqualTo(Duration.ofMillis(51));
        java.util.Set<Duration> seen = new java.util.HashSet<>();
        java.util.Random random = new java.util.Random(23);
        for (int i = 0; i < 100; i++) {
            Duration d = WebhookSignature.jittered(backoff, random.nextDouble());
            assertThat(d).isBetween(Duration.ofSeconds(4), backoff);
            seen.add(d);
        }
        assertThat(seen).hasSizeGreaterThan(50); // spread, not one instant
    }
}
