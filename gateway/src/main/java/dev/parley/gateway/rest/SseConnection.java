package dev.parley.gateway.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.events.Json;
import dev.parley.gateway.service.Connection;
import dev.parley.gateway.service.OutboundEvent;
import dev.parley.gateway.service.Streams;
import dev.parley.gateway.service.TokenVerifier;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/** One SSE stream: one subscription, {@code id:}/{@code event:}/{@code data:} frames, a keep-alive comment. */
final class SseConnection extends Connection {

    private static final Buffer KEEP_ALIVE = Buffer.buffer(": keep-alive\n\n");

    private final HttpServerResponse response;
    private final Streams streams;
    /** Unflushed writes of live events, or null where Vert.x has to write them (ADR 0016). */
    private final ChannelWriter writer;
    private long keepAliveTimer = -1;

    SseConnection(TokenVerifier.Verified auth, Context context, HttpServerResponse response, ChannelWriter writer,
                  Streams streams) {
        super(auth, context);
        this.response = response;
        response.drainHandler(v -> context.runOnContext(x -> drained()));
        this.writer = writer;
        this.streams = streams;
    }

    /** Starts the 200 event stream (after the owner authorized it). */
    void begin(long keepAliveMillis) {
        response.setStatusCode(200).setChunked(true)
                .putHeader("Content-Type", "text/event-stream; charset=utf-8")
                .putHeader("Cache-Control", "no-cache, no-store")
                .putHeader("X-Accel-Buffering", "no");
        response.write(Buffer.buffer(": ok\n\n"));
        keepAliveTimer = context().owner().setPeriodic(keepAliveMillis, id -> context().runOnContext(v -> {
            if (!isClosed()) {
                response.write(KEEP_ALIVE);
            }
        }));
    }

    @Override
    public String transport() {
        return "sse";
    }

    @Override
    protected void writeShared(OutboundEvent event) {
        if (isClosed()) {
            return;
        }
        if (writer != null) {
            writer.write(event.sseChunk().duplicate());
        } else {
            response.write(event.sse());
        }
    }

    @Override
    protected boolean flush() {
        return writer != null && writer.flush();
    }

    @Override
    protected void writeEnvelope(JsonNode envelope) {
        if (!isClosed()) {
            Long seq = envelope.hasNonNull("seq") ? envelope.get("seq").asLong() : null;
            response.write(OutboundEvent.sseFrame(seq, envelope.path("type").asText(null), Json.bytes(envelope)));
        }
    }

    @Override
    public void writeControl(JsonNode frame) {
        // SSE has no control frames: errors end the stream
    }

    @Override
    protected boolean overflowing() {
        return response.writeQueueFull();
    }

    @Override
    protected void closeTransport(int code, String reason) {
        cancelTimer();
        if (!response.ended() && !response.closed()) {
            response.end();
        }
        streams.closed(this);
    }

    void cancelTimer() {
        if (keepAliveTimer >= 0) {
            context().owner().cancelTimer(keepAliveTimer);
            keepAliveTimer = -1;
        }
    }
}
