package dev.parley.gateway.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.events.Json;
import dev.parley.events.Service;
import dev.parley.events.StreamName;
import dev.parley.gateway.config.GatewayConfig;
import dev.parley.gateway.domain.AuthFailure;
import dev.parley.gateway.domain.StreamFailure;
import dev.parley.platform.problem.ErrorCodes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The owning services' internal stream API ({@code /internal/streams/{stream}} and {@code /events}), called with the
 * subscriber's own token so the owner decides visibility (tenant, membership) exactly as for REST.
 */
@ApplicationScoped
public class OwnerClient {

    /** {@code GET /internal/streams/{stream}}: visible, where it stands, and the latest-value events to send first. */
    public record StreamInfo(Long head, Long earliest, List<JsonNode> latest) {
    }

    /** One replay page: envelopes ascending (or one {@code reset}), and the head when it was read. */
    public record EventPage(List<JsonNode> items, long head) {
    }

    private final HttpClient client;
    private final GatewayConfig config;

    public OwnerClient(Vertx vertx, GatewayConfig config) {
        this.config = config;
        this.client = vertx.createHttpClient(new HttpClientOptions().setMaxPoolSize(64).setKeepAlive(true)
                .setConnectTimeout((int) Math.min(config.ownerTimeout().toMillis(), Integer.MAX_VALUE)));
    }

    public String baseUrl(Service service) {
        return switch (service) {
            case CHANNEL -> config.services().channel().url();
            case ROOMS -> config.services().rooms().url();
            case SESSIONS -> config.services().sessions().url();
            case PRESENCE -> config.services().presence().url();
        };
    }

    public Future<StreamInfo> info(StreamName stream, String token) {
        return get(stream, "", token).map(body -> {
            JsonNode head = body.get("head");
            JsonNode earliest = body.get("earliest");
            List<JsonNode> latest = new ArrayList<>();
            body.path("latest").forEach(latest::add);
            return new StreamInfo(head == null || head.isNull() ? null : head.asLong(),
                    earliest == null || earliest.isNull() ? null : earliest.asLong(), latest);
        });
    }

    public Future<EventPage> events(StreamName stream, long after, String token) {
        return get(stream, "/events?after=" + after + "&limit=" + config.replayPageSize(), token).map(body -> {
            List<JsonNode> items = new ArrayList<>();
            body.path("items").forEach(items::add);
            return new EventPage(items, body.path("head").asLong(0));
        });
    }

    private Future<JsonNode> get(StreamName stream, String suffix, String token) {
        URI base = URI.create(baseUrl(stream.owner()));
        String path = (base.getPath() == null ? "" : base.getPath().replaceAll("/$", "")) + "/internal/streams/"
                + URLEncoder.encode(stream.wire(), StandardCharsets.UTF_8) + suffix;
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET)
                .setHost(base.getHost()).setPort(base.getPort() > 0 ? base.getPort() : 80)
                .setSsl("https".equals(base.getScheme())).setURI(path)
                .putHeader("Authorization", "Bearer " + token).putHeader("Accept", "application/json")
                .setTimeout(config.ownerTimeout().toMillis());
        return client.request(options)
                .compose(request -> request.send().compose(response -> response.body().map(body -> {
                    int status = response.statusCode();
                    if (status == 200) {
                        return Json.read(body.getBytes(), JsonNode.class);
                    }
                    if (status == 404 || status == 403) {
                        throw new StreamFailure(404, ErrorCodes.NOT_FOUND, "no such stream: " + stream.wire());
                    }
                    if (status == 401) {
                        throw new AuthFailure("the owner refused the token");
                    }
                    if (status == 400) {
                        throw new StreamFailure(400, ErrorCodes.STREAM_INVALID, "invalid stream: " + stream.wire());
                    }
                    throw new StreamFailure(503, ErrorCodes.UNAVAILABLE, "the owner of " + stream.wire()
                            + " answered " + status);
                })))
                .recover(e -> e instanceof StreamFailure || e instanceof AuthFailure
                        ? Future.failedFuture(e)
                        : Future.failedFuture(new StreamFailure(503, ErrorCodes.UNAVAILABLE,
                        "the owner of " + stream.wire() + " is unavailable")));
    }

    @PreDestroy
    void close() {
        client.close();
    }
}
