package dev.parley.gateway.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.events.Envelope;
import dev.parley.events.EventTypes;
import dev.parley.events.InvalidStreamException;
import dev.parley.events.Json;
import dev.parley.events.StreamKey;
import dev.parley.events.StreamName;
import dev.parley.events.payload.Signal;
import dev.parley.events.payload.Typing;
import dev.parley.gateway.config.GatewayConfig;
import dev.parley.gateway.domain.AuthFailure;
import dev.parley.gateway.domain.OriginPolicy;
import dev.parley.gateway.domain.StreamFailure;
import dev.parley.gateway.messaging.EphemeralPublisher;
import dev.parley.gateway.client.PresenceFeed;
import dev.parley.gateway.service.CloseCodes;
import dev.parley.gateway.service.RateLimits;
import dev.parley.gateway.service.Connection;
import dev.parley.gateway.service.StreamTickets;
import dev.parley.gateway.service.Streams;
import dev.parley.gateway.service.Subscription;
import dev.parley.gateway.service.TokenVerifier;
import dev.parley.platform.problem.ErrorCodes;
import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * The gateway's own endpoints: {@code POST /api/stream-tickets}, the SSE streams and the multiplexed WebSocket
 * {@code /api/ws} (contract §1–2). Installed before the proxy routes, so they win over {@code /api/**} forwarding.
 */
@ApplicationScoped
public class StreamRoutes implements HttpServerOptionsCustomizer {

    /** Route order of the stream endpoints (the REST proxy uses {@link ProxyRoutes#ORDER}). */
    static final int ORDER = 10;
    public static final String SUBPROTOCOL = "parley.v1";
    /** Prefix of the subprotocol that carries the bearer token (ADR 0010): {@code bearer.<jwt>}. */
    public static final String TOKEN_SUBPROTOCOL_PREFIX = "bearer.";
    private static final String PING = "{\"op\":\"ping\"}";

    private final GatewayConfig config;
    private final TokenVerifier verifier;
    private final StreamTickets tickets;
    private final Streams streams;
    private final PresenceFeed presence;
    private final EphemeralPublisher ephemeral;
    private final OriginPolicy origins;
    private final RateLimits rateLimits;

    public StreamRoutes(GatewayConfig config, TokenVerifier verifier, StreamTickets tickets, Streams streams,
                        PresenceFeed presence, EphemeralPublisher ephemeral, RateLimits rateLimits) {
        this.config = config;
        this.rateLimits = rateLimits;
        this.verifier = verifier;
        this.tickets = tickets;
        this.streams = streams;
        this.presence = presence;
        this.ephemeral = ephemeral;
        this.origins = new OriginPolicy(config.allowedOrigins().orElse(List.of()));
    }

    @Override
    public void customizeHttpServer(HttpServerOptions options) {
        int limit = (int) Math.min(Integer.MAX_VALUE / 4, config.maxFrameSize().asLongValue());
        // Vert.x's own limits sit above ours so an oversized frame reaches the handler and gets a clean 1009
        options.setWebSocketSubProtocols(List.of(SUBPROTOCOL));
        options.setMaxWebSocketFrameSize(Math.max(limit * 4, 65536));
        options.setMaxWebSocketMessageSize(Math.max(limit * 4, 65536));
        config.socketSendBuffer().ifPresent(size -> options.setSendBufferSize((int) size.asLongValue()));
    }

    void install(@Observes Router router) {
        router.post("/api/stream-tickets").order(ORDER).handler(this::ticket);
        router.get("/api/ws").order(ORDER).handler(this::webSocket);
        sse(router, "/api/channel/stream", ctx -> StreamName.CHANNEL);
        sse(router, "/api/presence/stream", ctx -> StreamName.PRESENCE);
        sse(router, "/api/me/stream", ctx -> StreamName.ME);
        sse(router, "/api/agents/inbox/stream", ctx -> StreamName.INBOX);
        sse(router, "/api/agent-rooms/:id/stream", ctx -> StreamName.room(uuid(ctx.pathParam("id"))));
        sse(router, "/api/sessions/:id/stream", ctx -> StreamName.session(uuid(ctx.pathParam("id"))));
    }

    // ---- tickets ---------------------------------------------------------------------------------------------

    private void ticket(RoutingContext ctx) {
        ctx.request().pause();
        Context context = Vertx.currentContext();
        String token = TokenVerifier.bearer(ctx.request().getHeader("Authorization"));
        verifier.verify(token).subscribe().with(verified -> context.runOnContext(v -> {
            ctx.request().resume();
            long wait = rateLimits.tryConsume(RateLimits.Limit.TICKETS, RateLimits.member(verified.caller()));
            if (wait > 0) {
                Problems.write(ctx, 429, ErrorCodes.RATE_LIMITED, "too many stream tickets; retry in " + wait + " s",
                        (int) wait);
                return;
            }
            StreamTickets.Issued issued = tickets.issue(verified.token(), verified.expiresAt());
            ctx.response().setStatusCode(201).putHeader("Content-Type", "application/json")
                    .putHeader("Cache-Control", "no-store")
                    .end(Json.string(Map.of("ticket", issued.ticket(),
                            "expiresAt", issued.expiresAt().truncatedTo(ChronoUnit.MILLIS).toString())));
        }), e -> context.runOnContext(v -> {
            ctx.request().resume();
            Problems.fail(ctx, e, config.unavailableRetryAfter());
        }));
    }

    // ---- common admission ------------------------------------------------------------------------------------

    /** Origin, drain state, token (header, subprotocol, or ticket) → a verified caller admitted under the cap. */
    private Future<TokenVerifier.Verified> admit(RoutingContext ctx, boolean webSocket) {
        HttpServerRequest request = ctx.request();
        if (!origins.allows(request.getHeader("Origin"))) {
            return Future.failedFuture(new StreamFailure(403, ErrorCodes.ORIGIN_FORBIDDEN,
                    "this Origin may not open streams"));
        }
        if (streams.draining()) {
            return Future.failedFuture(new StreamFailure(503, ErrorCodes.UNAVAILABLE, "the gateway is shutting down"));
        }
        String token = TokenVerifier.bearer(request.getHeader("Authorization"));
        if (token == null && webSocket) {
            token = subprotocolToken(request.getHeader("Sec-WebSocket-Protocol"));
        }
        String ticket = request.getParam("ticket");
        if (token == null && ticket != null) {
            try {
                token = tickets.redeem(ticket);
            } catch (AuthFailure e) {
                return Future.failedFuture(e);
            }
        }
        Context context = Vertx.currentContext();
        Promise<TokenVerifier.Verified> promise = Promise.promise();
        verifier.verify(token).subscribe().with(v -> context.runOnContext(x -> {
            if (!streams.admit(v)) {
                promise.fail(new StreamFailure(429, ErrorCodes.RATE_LIMITED, "too many open streams for this member"));
            } else {
                promise.complete(v);
            }
        }), e -> context.runOnContext(x -> promise.fail(e)));
        return promise.future();
    }

    static String subprotocolToken(String header) {
        if (header == null) {
            return null;
        }
        for (String p : header.split(",")) {
            String s = p.trim();
            if (s.startsWith(TOKEN_SUBPROTOCOL_PREFIX) && s.length() > TOKEN_SUBPROTOCOL_PREFIX.length()) {
                return s.substring(TOKEN_SUBPROTOCOL_PREFIX.length());
            }
        }
        return null;
    }

    // ---- SSE -------------------------------------------------------------------------------------------------

    private void sse(Router router, String path, Function<RoutingContext, StreamName> name) {
        router.get(path).order(ORDER).handler(ctx -> {
            StreamName stream;
            try {
                stream = name.apply(ctx);
            } catch (IllegalArgumentException e) {
                Problems.write(ctx, 404, ErrorCodes.NOT_FOUND, "no such stream", null);
                return;
            }
            Long after;
            try {
                after = position(ctx);
            } catch (IllegalArgumentException e) {
                Problems.write(ctx, 400, ErrorCodes.INVALID, e.getMessage(), null);
                return;
            }
            Context context = Vertx.currentContext();
            admit(ctx, false).onComplete(admitted -> {
                if (admitted.failed()) {
                    Problems.fail(ctx, admitted.cause(), config.unavailableRetryAfter());
                    return;
                }
                TokenVerifier.Verified auth = admitted.result();
                SseConnection connection = new SseConnection(auth, context, ctx.response(),
                        ChannelWriter.sse(ctx.request()), streams);
                ctx.response().closeHandler(v -> context.runOnContext(x -> {
                    connection.cancelTimer();
                    streams.closed(connection);
                }));
                ctx.response().setWriteQueueMaxSize((int) Math.min(Integer.MAX_VALUE,
                        config.outboundBuffer().asLongValue()));
                streams.subscribe(connection, stream, after, info -> {
                    connection.begin(config.keepAlive().toMillis());
                    streams.opened(connection);
                }).onFailure(e -> {
                    if (!ctx.response().headWritten()) {
                        streams.release(auth);
                        Problems.fail(ctx, e, config.unavailableRetryAfter());
                    } else {
                        connection.close(CloseCodes.POLICY, "ended");
                    }
                });
            });
        });
    }

    /** {@code Last-Event-ID} (EventSource) or {@code ?after=}; null = live only. */
    private static Long position(RoutingContext ctx) {
        String value = ctx.request().getHeader("Last-Event-ID");
        if (value == null || value.isBlank()) {
            value = ctx.request().getParam("after");
        }
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            long after = Long.parseLong(value.trim());
            if (after < 0) {
                throw new IllegalArgumentException("after must be >= 0");
            }
            return after;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("after / Last-Event-ID must be a seq");
        }
    }

    private static UUID uuid(String id) {
        return StreamName.parse("room:" + id).id();
    }

    // ---- WebSocket -------------------------------------------------------------------------------------------

    private void webSocket(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        if (!"websocket".equalsIgnoreCase(request.getHeader("Upgrade"))) {
            Problems.write(ctx, 400, ErrorCodes.INVALID, "a WebSocket upgrade is required", null);
            return;
        }
        request.pause();
        Context context = Vertx.currentContext();
        admit(ctx, true).onComplete(admitted -> {
            if (admitted.failed()) {
                request.resume();
                Problems.fail(ctx, admitted.cause(), config.unavailableRetryAfter());
                return;
            }
            TokenVerifier.Verified auth = admitted.result();
            request.toWebSocket().onComplete(upgraded -> {
                if (upgraded.failed()) {
                    streams.release(auth);
                    return;
                }
                ServerWebSocket socket = upgraded.result();
                socket.setWriteQueueMaxSize((int) Math.min(Integer.MAX_VALUE, config.outboundBuffer().asLongValue()));
                WsConnection connection = new WsConnection(auth, context, socket, ChannelWriter.webSocket(request),
                        streams, rateLimits.frameBudget());
                socket.closeHandler(v -> context.runOnContext(x -> streams.closed(connection)));
                socket.exceptionHandler(e -> context.runOnContext(x -> connection.close(CloseCodes.GOING_AWAY,
                        "error")));
                socket.textMessageHandler(text -> onFrame(connection, text));
                socket.binaryMessageHandler(b -> error(connection, ErrorCodes.INVALID, "frames are JSON text", null));
                streams.opened(connection);
            });
        });
    }

    private void onFrame(WsConnection connection, String text) {
        if (connection.isClosed()) {
            return;
        }
        long max = config.maxFrameSize().asLongValue();
        if (text.length() > max || (text.length() * 3L > max
                && text.getBytes(StandardCharsets.UTF_8).length > max)) {
            connection.close(CloseCodes.TOO_BIG, "frame over " + max + " bytes");
            return;
        }
        switch (connection.frames.take()) {
            case ACCEPT -> { }
            case REFUSE -> {
                error(connection, ErrorCodes.RATE_LIMITED, "over " + config.framesPerSecond()
                        + " frames per second: this frame was not acted upon", null);
                return;
            }
            case CLOSE -> {
                connection.close(CloseCodes.POLICY, "frame flood");
                return;
            }
        }
        if (PING.equals(text)) {
            // the keep-alive every client sends: answered without a JSON round trip (B3 measures its cost)
            connection.pong();
            return;
        }
        JsonNode frame;
        try {
            frame = Json.MAPPER.readTree(text);
        } catch (Exception e) {
            error(connection, ErrorCodes.MALFORMED_JSON, "a frame must be a JSON object", null);
            return;
        }
        if (frame == null || !frame.isObject()) {
            error(connection, ErrorCodes.MALFORMED_JSON, "a frame must be a JSON object", null);
            return;
        }
        String op = frame.path("op").isTextual() ? frame.get("op").asText() : null;
        String streamText = frame.path("stream").isTextual() ? frame.get("stream").asText() : null;
        if (op == null) {
            error(connection, ErrorCodes.INVALID, "op is required", streamText);
            return;
        }
        switch (op) {
            case "ping" -> connection.pong();
            case "activity" -> presence.activity(connection);
            case "subscribe" -> subscribe(connection, frame, streamText);
            case "unsubscribe" -> {
                StreamName name = streamName(connection, streamText);
                if (name != null) {
                    streams.unsubscribe(connection, name);
                }
            }
            case "typing", "signal" -> ephemeral(connection, op, frame, streamText);
            default -> error(connection, ErrorCodes.INVALID, "unknown op '" + op + "'", streamText);
        }
    }

    private StreamName streamName(Connection connection, String streamText) {
        if (streamText == null) {
            error(connection, ErrorCodes.STREAM_INVALID, "stream is required", null);
            return null;
        }
        try {
            StreamName name = StreamName.parse(streamText);
            connection.caller().streamKey(name);
            return name;
        } catch (InvalidStreamException e) {
            error(connection, ErrorCodes.STREAM_INVALID, e.getMessage(), streamText);
            return null;
        }
    }

    private void subscribe(Connection connection, JsonNode frame, String streamText) {
        StreamName name = streamName(connection, streamText);
        if (name == null) {
            return;
        }
        Long after = null;
        JsonNode a = frame.get("after");
        if (a != null && !a.isNull()) {
            if (!a.canConvertToLong() || !a.isIntegralNumber() || a.asLong() < 0) {
                error(connection, ErrorCodes.INVALID, "after must be a seq (integer >= 0)", streamText);
                return;
            }
            after = a.asLong();
        }
        streams.subscribe(connection, name, after, info -> {
            ObjectNode subscribed = Json.MAPPER.createObjectNode().put("op", "subscribed").put("stream", name.wire());
            if (info.head() == null) {
                subscribed.putNull("head");
            } else {
                subscribed.put("head", info.head());
            }
            connection.writeControl(subscribed);
        }).onFailure(e -> connection.context().runOnContext(v -> {
            if (e instanceof AuthFailure) {
                connection.close(CloseCodes.POLICY, "token no longer valid");
            } else if (e instanceof StreamFailure f) {
                error(connection, f.code(), f.getMessage(), name.wire());
            } else {
                error(connection, ErrorCodes.UNAVAILABLE, "the stream's owner is unavailable", name.wire());
            }
        }));
    }

    private void ephemeral(Connection connection, String op, JsonNode frame, String streamText) {
        StreamName name = streamName(connection, streamText);
        if (name == null) {
            return;
        }
        boolean typing = "typing".equals(op);
        StreamName.Kind kind = name.kind();
        if (typing ? !(kind == StreamName.Kind.CHANNEL || kind == StreamName.Kind.ROOM
                || kind == StreamName.Kind.SESSION) : kind != StreamName.Kind.SESSION) {
            error(connection, ErrorCodes.STREAM_INVALID, op + " is not supported on " + name.wire(), streamText);
            return;
        }
        String ref;
        if (connection.caller().isHuman()) {
            ref = connection.caller().userRef();
        } else {
            String as = frame.path("as").asText("");
            try {
                ref = connection.caller().agentRef(as);
            } catch (RuntimeException e) {
                error(connection, ErrorCodes.INVALID, "an app token must name its agent in 'as'", streamText);
                return;
            }
        }
        JsonNode data = frame.get("data");
        if (!typing && (data == null || data.isNull())) {
            error(connection, ErrorCodes.INVALID, "signal needs data", streamText);
            return;
        }
        String who = connection.caller().name();
        Object payload = typing ? new Typing(ref, who) : new Signal(ref, who, data);
        Envelope envelope = Envelope.ephemeral(name.wire(), typing ? EventTypes.TYPING : EventTypes.SIGNAL,
                Instant.now().truncatedTo(ChronoUnit.MILLIS), payload);
        StreamKey key = connection.caller().streamKey(name);
        Subscription subscription = connection.subscription(key);
        if (subscription == null || !subscription.started()) {
            // registered is not authorized: the owner's answer may still be on its way (contract §2)
            error(connection, ErrorCodes.STREAM_NOT_SUBSCRIBED, op + " needs a subscription to " + name.wire()
                    + " that the server confirmed with 'subscribed'", streamText);
            return;
        }
        ephemeral.publish(key, envelope, ref);
    }

    private static void error(Connection connection, String code, String detail, String stream) {
        ObjectNode frame = Json.MAPPER.createObjectNode().put("op", "error").put("code", code).put("detail", detail);
        if (stream != null) {
            frame.put("stream", stream.length() > 80 ? stream.substring(0, 80) : stream);
        }
        connection.writeControl(frame);
    }
}
