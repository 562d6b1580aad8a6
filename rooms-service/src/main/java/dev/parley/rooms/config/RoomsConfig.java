package dev.parley.rooms.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.Map;
import java.util.OptionalInt;

/**
 * Limits of group rooms (contract §7). The member and route limits have a default and an optional per-tenant
 * override: {@code parley.rooms.tenants."<tenant>".member-limit} / {@code .route-limit}.
 */
@ConfigMapping(prefix = "parley.rooms")
public interface RoomsConfig {

    /** Members per room (count). contract §7: 50 — rooms are small, focused threads; the 51st member answers 422. */
    @WithDefault("50")
    int memberLimit();

    /**
     * Mentions routed per message (count). contract §7: 20 — the first 20 mentioned members are routed, the rest are
     * mentions without a route, which bounds the fan-out one message can cause.
     */
    @WithDefault("20")
    int routeLimit();

    /** Message content, in Unicode code points. contract §7: 20,000 — a long markdown post, not a file upload. */
    @WithDefault("20000")
    int messageMaxChars();

    /** Message metadata, in bytes of its JSON serialization. contract §5: 8 KiB — structured hints, not payloads. */
    @WithDefault("8192")
    int metadataMaxBytes();

    /** Room description, in code points (the contract is silent): 1,000 — one paragraph of purpose. Longer → 400. */
    @WithDefault("1000")
    int descriptionMaxChars();

    /** Largest page of message back-scroll (count). contract §1/§7: 100. */
    @WithDefault("100")
    int pageMaxLimit();

    /** Longest {@code q} of a room search, in code points; longer (or blank) → 400 {@code request.invalid}. */
    @WithDefault("256")
    int searchMaxQueryLength();

    /** Optional webhook delivery of agent inboxes (off unless targets are configured). */
    Webhooks webhooks();

    /** Per-tenant overrides, keyed by tenant id. */
    Map<String, TenantLimits> tenants();

    /** Overrides for one tenant; an absent value falls back to the default above. */
    interface TenantLimits {
        /** Members per room for this tenant (count). */
        OptionalInt memberLimit();

        /** Mentions routed per message for this tenant (count). */
        OptionalInt routeLimit();
    }

    /** The member limit that applies to a tenant. */
    default int memberLimit(String tenant) {
        TenantLimits limits = tenants().get(tenant);
        return limits != null && limits.memberLimit().isPresent() ? limits.memberLimit().getAsInt() : memberLimit();
    }

    /** The route limit that applies to a tenant. */
    default int routeLimit(String tenant) {
        TenantLimits limits = tenants().get(tenant);
        return limits != null && limits.routeLimit().isPresent() ? limits.routeLimit().getAsInt() : routeLimit();
    }

    /**
     * Webhook delivery: each configured target receives its app's inbox events ({@code room.message} envelopes) in
     * seq order, one POST each, HMAC-signed; failures retry with exponential backoff, then go to a dead-letter table.
     */
    interface Webhooks {
        /** How often the dispatcher looks for undelivered inbox events. 1 s: near-real-time at negligible cost. */
        @WithDefault("1s")
        java.time.Duration pollInterval();

        /** Attempts per event before it is dead-lettered (count). 8 with the backoff below spans about 4 minutes. */
        @WithDefault("8")
        int maxAttempts();

        /** Backoff after the first failure; doubled after each further one. 1 s: rides out a restart. */
        @WithDefault("1s")
        java.time.Duration initialBackoff();

        /** Longest backoff between attempts. 2 min: a recovered endpoint is served again soon. */
        @WithDefault("2m")
        java.time.Duration maxBackoff();

        /** Request timeout of one webhook POST. 10 s: endpoints should acknowledge fast and work asynchronously. */
        @WithDefault("10s")
        java.time.Duration timeout();

        /** Events delivered per target per round (count). 100 bounds one round's time; the next round continues. */
        @WithDefault("100")
        int batchSize();

        /**
         * Targets one replica delivers to at the same time (count, ADR 0046). Each claimed inbox holds one slot while
         * its POSTs run, so a target that hangs holds one slot for up to {@code timeout} and the others go on. 8: more
         * than most deployments have targets; raise it with the number of targets that may be slow at once.
         */
        @WithDefault("8")
        int parallelism();

        /** Targets by any name: which tenant's app, where to POST, and the HMAC secret. */
        Map<String, Target> targets();
    }

    /** One webhook target. */
    interface Target {
        /** The tenant of the app. */
        String tenant();

        /** The app whose inbox ({@code <tenant>/inbox/<app>}) is delivered. */
        String app();

        /** The endpoint (http or https) that receives one POST per inbox event. */
        String url();

        /** The HMAC-SHA256 key of {@code X-Parley-Signature}; set it from a secret, never in a values file. */
        String secret();
    }
}
