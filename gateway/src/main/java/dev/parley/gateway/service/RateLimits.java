package dev.parley.gateway.service;

import dev.parley.gateway.config.GatewayConfig;
import dev.parley.gateway.metrics.GatewayMetrics;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Posts per member (API.md §7: 20 per 10 s) with bucket4j, per gateway instance (ADR 0014). A member's bucket is
 * dropped once full again, so memory follows the number of active posters.
 */
@ApplicationScoped
public class RateLimits {

    private static final int MAX_BUCKETS = 200_000;

    private final GatewayConfig config;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final Counter limited;

    public RateLimits(GatewayConfig config, MeterRegistry registry) {
        this.config = config;
        this.limited = registry.counter(GatewayMetrics.RATE_LIMITED, "limit", "posts");
    }

    /** 0 when the post may go ahead, else the seconds to wait ({@code Retry-After}). */
    public long tryPost(String member) {
        if (buckets.size() > MAX_BUCKETS) {
            buckets.entrySet().removeIf(e -> e.getValue().getAvailableTokens() >= config.postsPerWindow());
        }
        Bucket bucket = buckets.computeIfAbsent(member, m -> Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(config.postsPerWindow())
                        .refillIntervally(config.postsPerWindow(), config.postWindow()).build())
                .build());
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
        if (probe.isConsumed()) {
            return 0;
        }
        limited.increment();
        return Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
    }
}
