package dev.parley.gateway.rest;

import dev.parley.gateway.config.GatewayConfig;
import dev.parley.gateway.domain.OriginPolicy;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.CorsHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.List;
import java.util.Set;

/**
 * CORS for REST (contract §1) with Vert.x Web's {@link CorsHandler}, for exactly the origins of the allow-list that
 * guards WebSocket and SSE. A request from any other origin passes on without CORS headers (the browser keeps the
 * answer from the page; the stream endpoints still answer their own 403 {@code auth.origin_forbidden}).
 */
@ApplicationScoped
public class CorsRoutes {

    /** Before the stream and proxy routes. */
    static final int ORDER = 5;

    private final List<String> origins;

    public CorsRoutes(GatewayConfig config) {
        this.origins = config.allowedOrigins().orElse(List.of());
    }

    void install(@Observes Router router) {
        if (origins.isEmpty()) {
            return;
        }
        OriginPolicy policy = new OriginPolicy(origins);
        CorsHandler cors = CorsHandler.create().addOrigins(origins)
                .allowedMethods(Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH,
                        HttpMethod.DELETE, HttpMethod.OPTIONS))
                .allowedHeaders(Set.of("Authorization", "Content-Type", "Idempotency-Key", "Last-Event-ID"))
                .exposedHeader("Retry-After")
                .maxAgeSeconds(600);
        router.route().order(ORDER).handler(ctx -> {
            String origin = ctx.request().getHeader("Origin");
            if (origin != null && policy.allows(origin)) {
                cors.handle(ctx);
            } else {
                ctx.next();
            }
        });
    }
}
