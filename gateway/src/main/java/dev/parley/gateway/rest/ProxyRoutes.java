package dev.parley.gateway.rest;

import dev.parley.events.Json;
import dev.parley.events.Service;
import dev.parley.gateway.config.GatewayConfig;
import dev.parley.gateway.domain.RoutingTable;
import dev.parley.gateway.client.PresenceFeed;
import dev.parley.gateway.metrics.GatewayMetrics;
import dev.parley.gateway.service.OwnerClient;
import dev.parley.gateway.service.RateLimits;
import dev.parley.gateway.service.TokenVerifier;
import dev.parley.platform.http.HttpConfig;
import dev.parley.platform.problem.ErrorCodes;
import dev.parley.platform.problem.Problem;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.httpproxy.Body;
import io.vertx.httpproxy.HttpProxy;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyResponse;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.net.URI;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;

/**
 * REST routing (ADR 0013): every {@code /api/**} request that is not the gateway's own is checked for a valid
 * bearer token, rate-limited where API.md §7 says so, and forwarded with {@code vertx-http-proxy} to the owning
 * service, bodies streamed both ways and the {@code Authorization} header unchanged. An unreachable service → 503
 * problem with {@code Retry-After}. {@code POST /dev/token} exists only when {@code parley.gateway.dev-token-url} is
 * set (the local stack).
 */
@ApplicationScoped
public class ProxyRoutes {

    static final int ORDER = 1000;
    private static final Set<String> WRITES = Set.of("POST", "PUT", "PATCH", "DELETE");

    private final GatewayConfig config;
    private final HttpConfig httpConfig;
    private final TokenVerifier verifier;
    private final RateLimits rateLimits;
    private final PresenceFeed presence;
    private final OwnerClient owners;
    private final MeterRegistry registry;
    private final HttpClient client;
    private final Map<Service, HttpProxy> proxies = new EnumMap<>(Service.class);

    public ProxyRoutes(GatewayConfig config, HttpConfig httpConfig, TokenVerifier verifier, RateLimits rateLimits,
                       PresenceFeed presence, OwnerClient owners, MeterRegistry registry, Vertx vertx) {
        this.config = config;
        this.httpConfig = httpConfig;
        this.verifier = verifier;
        this.rateLimits = rateLimits;
        this.presence = presence;
        this.owners = owners;
        this.registry = registry;
        this.client = vertx.createHttpClient(new HttpClientOptions().setMaxPoolSize(256).setKeepAlive(true)
                .setConnectTimeout((int) config.ownerTimeout().toMillis()));
        for (Service service : Service.values()) {
            URI base = URI.create(owners.baseUrl(service));
            proxies.put(service, proxy(base, null, service.id()));
        }
    }

    private HttpProxy proxy(URI base, String fixedPath, String name) {
        HttpProxy proxy = HttpProxy.reverseProxy(client)
                .origin(base.getPort() > 0 ? base.getPort() : 80, base.getHost());
        proxy.addInterceptor(new ProxyInterceptor() {
            @Override
            public Future<ProxyResponse> handleProxyRequest(ProxyContext context) {
                if (fixedPath != null) {
                    context.request().setURI(fixedPath);
                }
                return context.sendRequest().recover(e -> {
                    registry.counter(GatewayMetrics.PROXY_UNAVAILABLE, "service", name).increment();
                    ProxyResponse response = context.request().response();
                    response.headers().clear();
                    byte[] body = Json.bytes(new Problem(503, ErrorCodes.UNAVAILABLE, Problem.titleFor(503),
                            name + " is unavailable"));
                    response.setStatusCode(503).putHeader("Content-Type", Problem.MEDIA_TYPE)
                            .putHeader("Retry-After", Integer.toString(config.unavailableRetryAfter()))
                            .setBody(Body.body(Buffer.buffer(body)));
                    return Future.succeededFuture(response);
                });
            }
        });
        return proxy;
    }

    void install(@Observes Router router) {
        config.devTokenUrl().filter(s -> !s.isBlank()).ifPresent(url -> {
            URI uri = URI.create(url);
            HttpProxy dev = proxy(uri, uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath(),
                    "dev-token");
            router.post("/dev/token").order(ORDER).handler(ctx -> dev.handle(ctx.request()));
        });
        router.route("/api/*").order(ORDER).handler(this::forward);
    }

    private void forward(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        String path = ctx.normalizedPath();
        Service owner = RoutingTable.owner(path);
        if (owner == null) {
            Problems.write(ctx, 404, ErrorCodes.NOT_FOUND, "no such resource", null);
            return;
        }
        if (tooLarge(ctx, path)) {
            return;
        }
        request.pause();
        Context context = Vertx.currentContext();
        String method = request.method().name();
        verifier.verify(TokenVerifier.bearer(request.getHeader("Authorization"))).subscribe().with(
                verified -> context.runOnContext(v -> {
                    if (WRITES.contains(method)) {
                        presence.apiWrite(verified.caller());
                    }
                    if (RoutingTable.isPost(method, path)) {
                        long wait = rateLimits.tryPost(verified.caller().tenant() + "|"
                                + verified.caller().principal());
                        if (wait > 0) {
                            request.resume();
                            Problems.write(ctx, 429, ErrorCodes.RATE_LIMITED,
                                    "too many posts; retry in " + wait + " s", (int) wait);
                            return;
                        }
                    }
                    proxies.get(owner).handle(request);
                }),
                e -> context.runOnContext(v -> {
                    request.resume();
                    Problems.fail(ctx, e, config.unavailableRetryAfter());
                }));
    }

    /** Body caps by {@code Content-Length}: attachments up to {@code attachment-max-body}, others 1 MiB. */
    private boolean tooLarge(RoutingContext ctx, String path) {
        String length = ctx.request().getHeader("Content-Length");
        if (length == null) {
            return false;
        }
        long max = path.startsWith("/api/attachments")
                ? config.attachmentMaxBody().asLongValue()
                : httpConfig.jsonMaxBody().asLongValue();
        try {
            if (Long.parseLong(length.trim()) > max) {
                ctx.response().putHeader("Connection", "close");
                Problems.write(ctx, 413, ErrorCodes.TOO_LARGE, "bodies here are limited to " + max + " bytes", null);
                return true;
            }
        } catch (NumberFormatException e) {
            Problems.write(ctx, 400, ErrorCodes.INVALID, "invalid Content-Length", null);
            return true;
        }
        return false;
    }

    @PreDestroy
    void close() {
        client.close();
    }
}
