package dev.parley.gateway.rest;

import dev.parley.events.Json;
import dev.parley.events.Service;
import dev.parley.gateway.config.GatewayConfig;
import dev.parley.gateway.domain.RoutingTable;
import dev.parley.gateway.client.PresenceFeed;
import dev.parley.gateway.metrics.GatewayMetrics;
import dev.parley.gateway.service.OwnerClient;
import dev.parley.gateway.domain.AuthFailure;
import dev.parley.gateway.service.RateLimits;
import dev.parley.gateway.service.StreamTickets;
import dev.parley.gateway.service.TokenVerifier;
import dev.parley.platform.http.HttpConfig;
import dev.parley.platform.problem.ErrorCodes;
import dev.parley.platform.problem.Problem;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.QueryStringEncoder;
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
 * bearer token, rate-limited where contract §7 says so, and forwarded with {@code vertx-http-proxy} to the owning
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
    private final StreamTickets tickets;
    private final PresenceFeed presence;
    private final OwnerClient owners;
    private final MeterRegistry registry;
    private final HttpClient client;
    private final Map<Service, HttpProxy> proxies = new EnumMap<>(Service.class);

    public ProxyRoutes(GatewayConfig config, HttpConfig httpConfig, TokenVerifier verifier, RateLimits rateLimits,
                       StreamTickets tickets, PresenceFeed presence, OwnerClient owners, MeterRegistry registry,
                       Vertx vertx) {
        this.config = config;
        this.httpConfig = httpConfig;
        this.verifier = verifier;
        this.rateLimits = rateLimits;
        this.tickets = tickets;
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
        io.vertx.core.net.SocketAddress origin = io.vertx.core.net.SocketAddress.inetSocketAddress(
                base.getPort() > 0 ? base.getPort() : 80, base.getHost());
        HttpProxy proxy = HttpProxy.reverseProxy(client).originRequestProvider((request, http) -> http
                .request(new io.vertx.core.http.RequestOptions().setServer(origin))
                .map(outgoing -> {
                    // a body of unknown length (HTTP/1.1 chunked, or HTTP/2 without Content-Length) goes on chunked
                    if (request.getHeader("Content-Length") == null && request.method() != io.vertx.core.http.HttpMethod.GET) {
                        outgoing.setChunked(true);
                    }
                    return outgoing;
                }));
        proxy.addInterceptor(new ProxyInterceptor() {
            @Override
            public Future<ProxyResponse> handleProxyRequest(ProxyContext context) {
                // the owner serves exactly the path every route and limit decision here was made on
                context.request().setURI(fixedPath != null ? fixedPath
                        : withoutTicket(RoutingTable.canonicalUri(context.request().getURI())));
                Body requestBody = context.request().getBody();
                CappedBody capped = null;
                if (requestBody != null && requestBody.length() < 0) {
                    // no Content-Length (chunked): the cap is counted as the body streams through
                    capped = new CappedBody(requestBody.stream(), maxBody(context.request().proxiedRequest().path()));
                    context.request().setBody(Body.body(capped));
                }
                CappedBody cappedBody = capped;
                return context.sendRequest().recover(e -> {
                    if (cappedBody != null && cappedBody.overflowed()) {
                        ProxyResponse response = context.request().response();
                        response.headers().clear();
                        byte[] problem = Json.bytes(new Problem(413, ErrorCodes.TOO_LARGE, Problem.titleFor(413),
                                "bodies here are limited to " + cappedBody.max() + " bytes"));
                        response.setStatusCode(413).putHeader("Content-Type", Problem.MEDIA_TYPE)
                                .setBody(Body.body(Buffer.buffer(problem)));
                        if (context.request().proxiedRequest().version() != io.vertx.core.http.HttpVersion.HTTP_2) {
                            response.putHeader("Connection", "close"); // the rest of the body is not read
                        }
                        return Future.succeededFuture(response);
                    }
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
        // every spelling of an /api path (doubled or trailing slashes, escaped letters) comes here: the decisions
        // and the owner see one canonical path (contract §1)
        router.route().order(ORDER).handler(ctx -> {
            if (RoutingTable.canonical(ctx.request().path()).startsWith("/api/")) {
                forward(ctx);
            } else {
                ctx.next();
            }
        });
    }

    private long maxBody(String path) {
        return path.startsWith("/api/attachments")
                ? config.attachmentMaxBody().asLongValue()
                : httpConfig.jsonMaxBody().asLongValue();
    }

    private void forward(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        String path = RoutingTable.canonical(request.path());
        Service owner = RoutingTable.owner(path);
        if (owner == null) {
            Problems.write(ctx, 404, ErrorCodes.NOT_FOUND, "no such resource", null);
            return;
        }
        if (tooLarge(ctx, path)) {
            return;
        }
        String method = request.method().name();
        String token = TokenVerifier.bearer(request.getHeader("Authorization"));
        String ticket = request.getParam("ticket");
        if (token == null && ticket != null && RoutingTable.isDownload(method, path)) {
            try {
                token = tickets.redeem(ticket);
            } catch (AuthFailure e) {
                Problems.fail(ctx, e, config.unavailableRetryAfter());
                return;
            }
            // the owner authorizes the download as for any request; the ticket itself never leaves the gateway
            request.headers().set("Authorization", "Bearer " + token);
        }
        request.pause();
        Context context = Vertx.currentContext();
        verifier.verify(token).subscribe().with(
                verified -> context.runOnContext(v -> {
                    if (WRITES.contains(method)) {
                        presence.apiWrite(verified.caller());
                    }
                    RateLimits.Limit limit = RoutingTable.isPost(method, path) ? RateLimits.Limit.POSTS
                            : RoutingTable.isUpload(method, path) ? RateLimits.Limit.UPLOADS
                            : WRITES.contains(method) ? RateLimits.Limit.WRITES : null;
                    if (limit != null) {
                        long wait = rateLimits.tryConsume(limit, RateLimits.member(verified.caller()));
                        if (wait > 0) {
                            request.resume();
                            Problems.write(ctx, 429, ErrorCodes.RATE_LIMITED, "too many "
                                    + limit.name().toLowerCase(java.util.Locale.ROOT) + "; retry in " + wait + " s",
                                    (int) wait);
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

    /** The URI without a {@code ticket} parameter: tickets are the gateway's, an owner never sees one. */
    static String withoutTicket(String uri) {
        QueryStringDecoder query = new QueryStringDecoder(uri);
        if (!query.parameters().containsKey("ticket")) {
            return uri;
        }
        QueryStringEncoder rebuilt = new QueryStringEncoder(query.rawPath());
        query.parameters().forEach((name, values) -> {
            if (!"ticket".equals(name)) {
                values.forEach(value -> rebuilt.addParam(name, value));
            }
        });
        return rebuilt.toString();
    }

    /** Body caps by {@code Content-Length}: attachments up to {@code attachment-max-body}, others 1 MiB. */
    private boolean tooLarge(RoutingContext ctx, String path) {
        String length = ctx.request().getHeader("Content-Length");
        if (length == null) {
            return false;
        }
        long max = maxBody(path);
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
