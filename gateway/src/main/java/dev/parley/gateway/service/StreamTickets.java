package dev.parley.gateway.service;

import dev.parley.gateway.config.GatewayConfig;
import dev.parley.gateway.domain.AuthFailure;
import dev.parley.gateway.domain.TicketCodec;
import io.quarkus.runtime.LaunchMode;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Stream tickets (API.md §1, ADR 0010): self-contained so any instance accepts them, single use per instance by a
 * bounded cache of used nonces that lives as long as a ticket can.
 */
@ApplicationScoped
public class StreamTickets {

    private static final Logger LOG = Logger.getLogger(StreamTickets.class);
    /** Upper bound of remembered nonces; past it new tickets are refused until old ones expire (no unbounded heap). */
    static final int MAX_USED = 200_000;

    private final TicketCodec codec;
    private final GatewayConfig config;
    private final Map<String, Instant> used = new ConcurrentHashMap<>();

    public StreamTickets(GatewayConfig config) {
        this.config = config;
        this.codec = new TicketCodec(config.ticketSecret());
        if (GatewayConfig.DEV_TICKET_SECRET.equals(config.ticketSecret()) && LaunchMode.current() == LaunchMode.NORMAL) {
            LOG.warn("parley.gateway.ticket-secret is the public dev default: set a secret shared by all gateway "
                    + "instances in production");
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
        purge(now);
        if (used.size() >= MAX_USED) {
            throw new AuthFailure("too many tickets in flight");
        }
        if (used.putIfAbsent(opened.nonce(), opened.expiresAt()) != null) {
            throw new AuthFailure("ticket already used");
        }
        return opened.token();
    }

    private void purge(Instant now) {
        if (used.size() < 1024 && Math.random() > 0.05) {
            return;
        }
        for (Iterator<Map.Entry<String, Instant>> it = used.entrySet().iterator(); it.hasNext(); ) {
            if (!it.next().getValue().isAfter(now)) {
                it.remove();
            }
        }
    }

    public record Issued(String ticket, Instant expiresAt) {
    }
}
