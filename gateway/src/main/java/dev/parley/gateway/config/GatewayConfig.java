package dev.parley.gateway.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The gateway's settings ({@code parley.gateway.*}); every key is listed in gateway/README.md. */
@ConfigMapping(prefix = "parley.gateway")
public interface GatewayConfig {

    /** Default ticket secret: only for the local stack; a production start with it logs a warning. */
    String DEV_TICKET_SECRET = "parley-dev-ticket-secret-change-me";

    /**
     * Id of this gateway instance in the presence feed (heartbeats, connections). Unset: a random UUID per start,
     * which is what presence-service needs (a restarted instance is a new instance whose old connections expire).
     */
    Optional<String> instanceId();

    /**
     * Secret from which the AES-256-GCM key of stream tickets is derived (SHA-256 of the UTF-8 text). Every gateway
     * instance must share it so a ticket minted on one is accepted by another. The default is a public dev value.
     */
    @WithDefault(DEV_TICKET_SECRET)
    String ticketSecret();

    /** Lifetime of a stream ticket (contract §1: 30 s). */
    @WithDefault("30s")
    Duration ticketTtl();

    /**
     * Browser origins allowed to open streams (WebSocket upgrade and SSE), e.g. {@code https://app.example.com}.
     * Requests without {@code Origin} (non-browser clients) are allowed. Unset: no browser origin is allowed.
     */
    Optional<List<String>> allowedOrigins();

    /** Base URLs of the owning services the gateway routes to and authorizes subscriptions with. */
    Services services();

    /**
     * Where {@code POST /dev/token} is proxied (the local stack's token issuer). Unset (production): the route does
     * not exist.
     */
    Optional<String> devTokenUrl();

    /** Largest WebSocket frame (message) a client may send, in bytes (contract §2: 64 KiB); larger → close 1009. */
    @WithDefault("64K")
    MemorySize maxFrameSize();

    /** Interval of the SSE {@code : keep-alive} comment (contract §2: 15 s); keeps idle proxies from cutting streams. */
    @WithDefault("15s")
    Duration keepAlive();

    /** Interval of this instance's heartbeat to presence-service (it drops an instance after 3 missed ones). */
    @WithDefault("5s")
    Duration heartbeatInterval();

    /**
     * How often each open connection is re-announced to presence-service ({@code announce} on the connections topic,
     * ADR 0025), so the topic always holds a recent record of every open connection and its gateway: a rebuilt
     * presence-service learns them all, and restored members no gateway announces expire instead of staying online
     * for ever. Must stay well under the connections topic's retention (1 h). Announces leave with the heartbeat, at
     * most 500 per heartbeat (a cycle over N connections takes at least N / 500 heartbeats). Default 10 min: 10,000
     * connections cost about 17 records/s.
     */
    @WithDefault("10m")
    Duration presenceAnnounceInterval();

    /**
     * Bound of one connection's outbound buffer in bytes (Vert.x write queue). A client whose unsent data exceeds
     * it is too slow: closed with 1013 (SSE: ended) so it cannot grow the heap or delay anyone else. 1 MiB holds
     * hundreds of ordinary events, enough for short network hiccups.
     */
    @WithDefault("1M")
    MemorySize outboundBuffer();

    /**
     * Kernel send buffer of client sockets (SO_SNDBUF). Unset: the OS default (auto-tuned, up to megabytes). A
     * smaller value makes slow consumers visible to the outbound-buffer bound sooner.
     */
    Optional<MemorySize> socketSendBuffer();

    /**
     * How long a verified access token is taken as verified again without re-checking its signature and claims (ADR
     * 0017); never past the token's own {@code exp}. {@code 0s} verifies every request and connection.
     */
    @WithDefault("60s")
    Duration tokenCacheTtl();

    /** Most verified tokens remembered (least recently used out first); each costs about 1 KiB of heap. */
    @WithDefault("10000")
    long tokenCacheSize();

    /** Most subscriptions one WebSocket may hold; a further subscribe gets an error frame {@code stream.limit}. */
    @WithDefault("100")
    int maxSubscriptionsPerConnection();

    /** Most open stream connections (WS + SSE) of one member on this instance; more → 429. */
    @WithDefault("20")
    int maxConnectionsPerMember();

    /** Posts per member per {@link #postWindow()} (contract §7: 20 per 10 s), then 429 with Retry-After. */
    @WithDefault("20")
    int postsPerWindow();

    /** Window of the post rate limit (contract §7: 10 s). */
    @WithDefault("10s")
    Duration postWindow();

    /** Other REST writes per member per {@link #writeWindow()} (contract §7: 300 per 10 s), then 429. */
    @WithDefault("300")
    int writesPerWindow();

    /** Window of the other-writes limit (edits, reactions, typing, live, transcript, turn, members, rooms, ...). */
    @WithDefault("10s")
    Duration writeWindow();

    /** Stream tickets per member per {@link #ticketWindow()} (contract §7: 30 per minute), then 429. */
    @WithDefault("30")
    int ticketsPerWindow();

    /** Window of the ticket limit. */
    @WithDefault("60s")
    Duration ticketWindow();

    /** Uploads ({@code POST /api/attachments}) per member per {@link #uploadWindow()} (20 per minute), then 429. */
    @WithDefault("20")
    int uploadsPerWindow();

    /** Window of the upload limit. */
    @WithDefault("60s")
    Duration uploadWindow();

    /**
     * WebSocket frames one connection may send per second on average (contract §7: 50); over the budget a frame gets
     * an error frame {@code rate.limited} and is not acted upon.
     */
    @WithDefault("50")
    int framesPerSecond();

    /** Frames a connection may send in a burst above the average (contract §7: 100). */
    @WithDefault("100")
    int frameBurst();

    /**
     * Refused frames within 10 s after which a flooding connection is closed with 1008 (the error frames it is
     * sent are bounded by this too).
     */
    @WithDefault("100")
    int frameFloodClose();

    /**
     * How often a long-lived room or session subscription is authorized again with its owner (contract §2: 60 s), so a
     * removed member loses typing, signal and live updates even when this gateway missed the removal event. Each
     * subscription's timer is jittered by up to a tenth of it, so the checks do not all come at once.
     */
    @WithDefault("60s")
    Duration reauthorizeInterval();

    /**
     * How long a replaying connection whose outbound buffer is full may take to drain it before it is closed as too
     * slow (1013); meanwhile no further page is fetched for it.
     */
    @WithDefault("10s")
    Duration replayDrainGrace();

    /** Replay pages one connection may have in flight from owners at once; more wait their turn. */
    @WithDefault("4")
    int replayConcurrencyPerConnection();

    /** Replay pages this gateway may have in flight from owners at once (bounds the memory pages take). */
    @WithDefault("256")
    int replayConcurrency();

    /** Page size asked of the owner when replaying (capped by the owner's own maximum). */
    @WithDefault("500")
    int replayPageSize();

    /** Timeout of the gateway's calls to {@code /internal/streams} of an owner. */
    @WithDefault("5s")
    Duration ownerTimeout();

    /** {@code Retry-After} of a 503 when an owning service is unreachable, in seconds. */
    @WithDefault("5")
    int unavailableRetryAfter();

    /**
     * Largest request body under {@code /api/attachments} (25 MiB file + multipart overhead); other routes keep the
     * 1 MiB JSON cap. Bodies are streamed to the service, never buffered whole.
     */
    @WithDefault("26M")
    MemorySize attachmentMaxBody();

    interface Services {
        /** presence-service. */
        Owner presence();

        /** channel-service. */
        Owner channel();

        /** rooms-service. */
        Owner rooms();

        /** session-relay-service. */
        Owner sessions();
    }

    interface Owner {
        /** Base URL, e.g. {@code http://presence-service:8081}; defaults are the local ports (8081-8084). */
        @WithName("url")
        String url();
    }
}
