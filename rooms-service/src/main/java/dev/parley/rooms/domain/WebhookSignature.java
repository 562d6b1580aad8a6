package dev.parley.rooms.domain;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.HexFormat;

/**
 * Webhook signing: {@code X-Parley-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>} with
 * {@code X-Parley-Timestamp: <unix seconds>} — the receiver recomputes it and rejects old timestamps (replays).
 */
public final class WebhookSignature {

    private WebhookSignature() {
    }

    public static String sign(String secret, long timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * "Equal jitter": half the backoff fixed, half random ({@code unit} in [0, 1)), so targets that failed together
     * (one outage) do not all retry in the same instant, and no retry comes sooner than half the backoff.
     */
    public static Duration jittered(Duration backoff, double unit) {
        double u = Math.min(Math.max(unit, 0), 1);
        long half = backoff.toMillis() / 2;
        return Duration.ofMillis(backoff.toMillis() - half + Math.round(half * u));
    }

    /** Exponential backoff: {@code initial × 2^(attempt-1)}, at most {@code max}. */
    public static Duration backoff(int attempt, Duration initial, Duration max) {
        if (attempt <= 1) {
            return initial.compareTo(max) > 0 ? max : initial;
        }
        Duration next = initial;
        for (int i = 1; i < attempt && next.compareTo(max) < 0; i++) {
            next = next.multipliedBy(2);
        }
        return next.compareTo(max) > 0 ? max : next;
    }
}
