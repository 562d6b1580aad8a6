package dev.parley.gateway.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.events.Json;
import dev.parley.gateway.service.Connection;
import dev.parley.gateway.service.FrameBudget;
import dev.parley.gateway.service.OutboundEvent;
import dev.parley.gateway.service.Streams;
import dev.parley.gateway.service.TokenVerifier;
import io.vertx.core.Context;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;

/** A multiplexed WebSocket ({@code /api/ws}, subprotocol {@code parley.v1}). */
final class WsConnection extends Connection {

    private static final String PONG = "{\"op\":\"pong\"}";

    private final ServerWebSocket socket;
    private final Streams streams;
    /** Unflushed writes of live events, or null where Vert.x has to write them (ADR 0016). */
    private final ChannelWriter writer;

    /** The client's frame budget (contract §7). */
    final FrameBudget frames;

    WsConnection(TokenVerifier.Verified auth, Context context, ServerWebSocket socket, ChannelWriter writer,
                 Streams streams, FrameBudget frames) {
        super(auth, context);
        this.frames = frames;
        this.socket = socket;
        socket.drainHandler(v -> context.runOnContext(x -> drained()));
        this.writer = writer;
        this.streams = streams;
    }

    @Override
    public String transport() {
        return "ws";
    }

    @Override
    protected void writeShared(OutboundEvent event) {
        if (isClosed() || socket.isClosed()) {
            return;
        }
        if (writer != null) {
            writer.write(event.wsFrame().duplicate());
        } else {
            socket.writeFrame(new WebSocketFrameImpl(WebSocketFrameType.TEXT, event.ws().duplicate(), true));
        }
    }

    @Override
    protected boolean flush() {
        return writer != null && writer.flush();
    }

    @Override
    protected void writeEnvelope(JsonNode envelope) {
        if (!isClosed()) {
            socket.writeTextMessage(Json.string(envelope));
        }
    }

    @Override
    public void writeControl(JsonNode frame) {
        if (!isClosed()) {
            socket.writeTextMessage(Json.string(frame));
        }
    }

    /** Answers a {@code ping} (contract §2). */
    void pong() {
        if (!isClosed()) {
            socket.writeTextMessage(PONG);
        }
    }

    @Override
    protected boolean overflowing() {
        return socket.writeQueueFull();
    }

    @Override
    protected void closeTransport(int code, String reason) {
        String r = reason.length() > 120 ? reason.substring(0, 120) : reason;
        if (!socket.isClosed()) {
            socket.close((short) code, r);
        }
        streams.closed(this);
    }
}
