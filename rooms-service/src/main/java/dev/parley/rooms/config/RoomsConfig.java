package dev.parley.rooms.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.Map;
import java.util.OptionalInt;

/**
 * Limits of group rooms (API.md §7). The member and route limits have a default and an optional per-tenant
 * override: {@code parley.rooms.tenants."<tenant>".member-limit} / {@code .route-limit}.
 */
@ConfigMapping(prefix = "parley.rooms")
public interface RoomsConfig {

    /** Members per room (count). API.md §7: 50 — rooms are small, focused threads; the 51st member answers 422. */
    @WithDefault("50")
    int memberLimit();

    /**
     * Mentions routed per message (count). API.md §7: 20 — the first 20 mentioned members are routed, the rest are
     * mentions without a route, which bounds the fan-out one message can cause.
     */
    @WithDefault("20")
    int routeLimit();

    /** Message content, in Unicode code points. API.md §7: 20,000 — a long markdown post, not a file upload. */
    @WithDefault("20000")
    int messageMaxChars();

    /** Message metadata, in bytes of its JSON serialization. API.md §5: 8 KiB — structured hints, not payloads. */
    @WithDefault("8192")
    int metadataMaxBytes();

    /** Room description, in code points (API.md is silent): 1,000 — one paragraph of purpose. Longer → 400. */
    @WithDefault("1000")
    int descriptionMaxChars();

    /** Largest page of message back-scroll (count). API.md §1/§7: 100. */
    @WithDefault("100")
    int pageMaxLimit();

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
}
