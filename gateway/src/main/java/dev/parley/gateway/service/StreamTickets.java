package dev.parley.gateway.service;

import dev.parley.gateway.config.GatewayConfig;
import dev.parley.gateway.domain.AuthFailure;
import dev.parley.gateway.domain.TicketCodec;
import io.quarkus.runtime.LaunchMode;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Stream tickets (contract §1, ADR 0010): self-contained so any instance accepts them, single use per instance by a
 * bounded cache of used nonces that lives as long as a ticket can.
 */
@ApplicationScoped
public class StreamTickets {

    /** Upper bound of remembered nonces; past it new tickets are refused until old ones expire (no unbounded heap). */
    static final int MAX_USED = 200_000;

    private final TicketCodec codec;
    private final GatewayConfig config;
    private final Map<String, Instant> used = new ConcurrentHashMap<>();

    private final java.util.concurrent.ScheduledExecutorService purger =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
                    r -> Thread.ofPlatform().daemon().name("ticket-purge").unstarted(r));

    public StreamTickets(GatewayConfig config) {
        this.config = config;
        checkSecret(config.ticketSecret(), LaunchMode.current());
        this.codec = new TicketCodec(config.ticketSecret());
        purger.scheduleWithFixedDelay(this::purge, 5, 5, java.util.concurrent.TimeUnit.SECONDS);
    }

    /** Smallest ticket secret accepted outside dev and test mode, in UTF-8 bytes. */
    static final int MIN_SECRET_BYTES = 32;

    /**
     * Outside dev and test mode a gateway does not start with the public default secret or one under 32 bytes:
     * anyone could mint tickets for any caller with it (issue 23, item 11).
     */
    static void checkSecret(String secret, LaunchMode mode) {
        if (mode != LaunchMode.NORMAL) {
            return;
        }
        if (GatewayConfig.DEV_TICKET_SECRET.equals(secret)
                || secret.getBytes(java.nio.charset.StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
            throw new IllegalStateException("parley.gateway.ticket-secret must be set to a secret of at least "
                    + MIN_SECRET_BYTES + " bytes shared by all gateway instances (the default is public)");
        }
    }

    /** A ticket for this access token, valid {@code ticket-ttl} (never beyond the token's own expiry). */
    public Issued issue(String token, Instant tokenExpiresAt) {
        Instant expiresAt = Instant.now().plus(config.ticketTtl());
        if (tokenExpiresAt.isBefore(expiresAt)) {
            expiresAt = tokenExpiresAt;
        }
        return new Issued(codec.seal(token, expiresAt), expiresAt);
    }

    /** Test and tooling hook: a ticket with an explicit expiry. */
    public String issueExpiringAt(String token, Instant expiresAt) {
        return codec.seal(token, expiresAt);
    }

    /** Redeems a ticket once: its access token, or {@link AuthFailure} for used, expired or unknown tickets. */
    public String redeem(String ticket) {
        Instant now = Instant.now();
        TicketCodec.Ticket opened = codec.open(ticket, now);
        if (used.size() >= MAX_USED) {
            throw new AuthFailure("too many tickets in flight");
        }
        if (used.putIfAbsent(opened.nonce(), opened.expiresAt()) != null) {
            throw new AuthFailure("ticket already used");
        }
        return opened.token();
    }

    /**
     * Forgets used nonces whose tickets expired, every few seconds on a thread of its own (never on an event loop).
     * Issuance is limited per member (30 per minute), so what one member can put here is bounded too.
     */
    private void purge() {
        Instant now = Instant.now();
        used.values().removeIf(expiresAt -> !expiresAt.isAfter(now));
    }

    @jakarta.annotation.PreDestroy
    void stop() {
        purger.shutdownNow();
    }

    public record Issued(String ticket, Instant expiresAt) {
    }
}
