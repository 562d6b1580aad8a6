package dev.parley.gateway.service;

import dev.parley.gateway.config.GatewayConfig;
import dev.parley.gateway.metrics.GatewayMetrics;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The per-member budgets of contract §7 with bucket4j (ADR 0014): posts, other REST writes, stream tickets and
 * uploads, each with its own bucket per member, and the per-connection WebSocket frame budget. A member's bucket is
 * dropped once full again, so memory follows the number of active members.
 */
@ApplicationScoped
public class RateLimits {

    /** A per-member budget; the metric tag {@code limit} is its name. */
    public enum Limit {
        POSTS, WRITES, TICKETS, UPLOADS;

        String tag() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private static final int MAX_BUCKETS = 200_000;

    private final GatewayConfig config;
    private final Map<Limit, Budget> budgets = new EnumMap<>(Limit.class);
    private final Counter framesLimited;

    public RateLimits(GatewayConfig config, MeterRegistry registry) {
        this.config = config;
        budgets.put(Limit.POSTS, new Budget(config.postsPerWindow(), config.postWindow(), registry, Limit.POSTS));
        budgets.put(Limit.WRITES, new Budget(config.writesPerWindow(), config.writeWindow(), registry, Limit.WRITES));
        budgets.put(Limit.TICKETS, new Budget(config.ticketsPerWindow(), config.ticketWindow(), registry,
                Limit.TICKETS));
        budgets.put(Limit.UPLOADS, new Budget(config.uploadsPerWindow(), config.uploadWindow(), registry,
                Limit.UPLOADS));
        this.framesLimited = registry.counter(GatewayMetrics.RATE_LIMITED, "limit", "frames");
    }

    /** The key of a member's buckets. */
    public static String member(dev.parley.platform.identity.Caller caller) {
        return caller.tenant() + "|" + caller.principal();
    }

    /** 0 when the post may go ahead, else the seconds to wait ({@code Retry-After}). */
    public long tryPost(String member) {
        return tryConsume(Limit.POSTS, member);
    }

    /** 0 when the request may go ahead, else the seconds to wait ({@code Retry-After}). */
    public long tryConsume(Limit limit, String member) {
        return budgets.get(limit).tryConsume(member);
    }

    /** A new connection's frame budget. */
    public FrameBudget frameBudget() {
        return new FrameBudget(config.framesPerSecond(), config.frameBurst(), config.frameFloodClose(),
                framesLimited);
    }

    /** One limit's buckets, by member. */
    private static final class Budget {

        private final int capacity;
        private final Duration window;
        private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
        private final Counter limited;

        Budget(int capacity, Duration window, MeterRegistry registry, Limit limit) {
            this.capacity = capacity;
            this.window = window;
            this.limited = registry.counter(GatewayMetrics.RATE_LIMITED, "limit", limit.tag());
        }

        long tryConsume(String member) {
            if (buckets.size() > MAX_BUCKETS) {
                buckets.entrySet().removeIf(e -> e.getValue().getAvailableTokens() >= capacity);
            }
            Bucket bucket = buckets.computeIfAbsent(member, m -> Bucket.builder()
                    .addLimit(Bandwidth.builder().capacity(capacity).refillIntervally(capacity, window).build())
                    .build());
            ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
            if (probe.isConsumed()) {
                return 0;
            }
            limited.increment();
            return Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
        }
    }
}
