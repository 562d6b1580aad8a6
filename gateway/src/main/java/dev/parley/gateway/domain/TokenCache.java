package dev.parley.gateway.domain;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * Access tokens the gateway already verified, by their exact text, each until the earlier of its own expiry and a
 * TTL (ADR 0017). Bounded (least recently used out first) and thread-safe; a zero TTL or size turns it off. A token
 * is never served past its {@code exp}: the entry carries it and is checked on every hit.
 *
 * @param <V> what verifying the token produced
 */
public final class TokenCache<V> {

    private record Entry<V>(V value, Instant until) {
    }

    private final Cache<String, Entry<V>> cache;
    private final Duration ttl;
    private final Clock clock;

    public TokenCache(long maxSize, Duration ttl, Clock clock) {
        this.ttl = ttl;
        this.clock = clock;
        this.cache = maxSize <= 0 || ttl.isZero() || ttl.isNegative() ? null : Caffeine.newBuilder()
                .maximumSize(maxSize)
                .expireAfterWrite(ttl)
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                .executor(Runnable::run)
                .build();
    }

    /** What verifying {@code token} produced, if that happened within the TTL and the token has not expired. */
    public V get(String token) {
        if (cache == null) {
            return null;
        }
        Entry<V> entry = cache.getIfPresent(token);
        if (entry == null) {
            return null;
        }
        if (!clock.instant().isBefore(entry.until())) {
            cache.invalidate(token);
            return null;
        }
        return entry.value();
    }

    /** Remembers a verified token that expires at {@code expiresAt} (an already expired one is not remembered). */
    public void put(String token, V value, Instant expiresAt) {
        Instant now = clock.instant();
        if (cache != null && now.isBefore(expiresAt)) {
            Instant byTtl = now.plus(ttl);
            cache.put(token, new Entry<>(value, expiresAt.isBefore(byTtl) ? expiresAt : byTtl));
        }
    }

    /** Tokens remembered (after pending evictions). */
    public long size() {
        if (cache == null) {
            return 0;
        }
        cache.cleanUp();
        return cache.estimatedSize();
    }
}
