package dev.parley.gateway.rest;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpContentCompressor;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * Writes the shared, pre-encoded bytes of live events straight into a connection's Netty pipeline <em>without
 * flushing</em>, so that one event-loop task writes every event of a Kafka poll batch and then flushes each
 * connection once: one {@code write(2)} per connection per batch instead of one per event (ADR 0016).
 * <p>
 * Vert.x flushes every write made outside a read, so this goes one level down into the connection's Netty pipeline:
 * a WebSocket frame enters at the tail (through the idle-state handler and TLS, like Vert.x's own writes), an SSE
 * chunk just below the HTTP encoder. Either way the bytes stay in order with Vert.x's writes (all run on the
 * connection's event loop, and nothing between the entry point and Vert.x holds writes back). Only used where that
 * is byte-for-byte what Vert.x would send: HTTP/1.1, no response compression, and for a WebSocket only once the
 * HTTP codec is gone. Everything else keeps Vert.x's writes. The
 * gateway does not accept permessage-deflate (the handshake leaves it out); were it enabled, a frame written here
 * (RSV1 clear) would still be a valid uncompressed message (RFC 7692 §6).
 */
final class ChannelWriter {

    private final ChannelHandlerContext context;
    private boolean dirty;

    private ChannelWriter(ChannelHandlerContext context) {
        this.context = context;
    }

    /** A writer for an upgraded WebSocket's connection, or null when its pipeline is not plain frames. */
    static ChannelWriter webSocket(HttpServerRequest request) {
        ChannelHandlerContext ctx = handlerContext(request);
        return ctx == null || has(ctx, "httpEncoder") ? null : new ChannelWriter(ctx);
    }

    /**
     * A writer of complete HTTP/1.1 chunks for an SSE response, entering the pipeline below Vert.x's HTTP encoder
     * (the response is already chunked, so the encoder would only frame the bytes again), or null when a handler
     * between the encoder and Vert.x could hold earlier writes back (chunked writer, compression) and order could
     * break. Vert.x's own keep-alive comments still pass the idle-state handler, so the stream counts as active.
     */
    static ChannelWriter sse(HttpServerRequest request) {
        ChannelHandlerContext ctx = handlerContext(request);
        if (ctx == null || has(ctx, "chunkedWriter") || compressing(ctx)) {
            return null;
        }
        ChannelHandlerContext encoder = ctx.pipeline().context("httpEncoder");
        return encoder == null ? null : new ChannelWriter(encoder);
    }

    private static ChannelHandlerContext handlerContext(HttpServerRequest request) {
        if (request.version() != HttpVersion.HTTP_1_1) {
            return null; // HTTP/2 multiplexes streams over the channel; HTTP/1.0 has no chunked bodies
        }
        HttpConnection connection = request.connection();
        return connection instanceof ConnectionBase base ? base.channelHandlerContext() : null;
    }

    private static boolean has(ChannelHandlerContext ctx, String name) {
        return ctx.pipeline().get(name) != null;
    }

    /** HTTP response compression would have to see the body; a raw buffer would pass it by. */
    private static boolean compressing(ChannelHandlerContext ctx) {
        return ctx.pipeline().get(HttpContentCompressor.class) != null;
    }

    /** Queues the bytes (a shared, unreleasable buffer's duplicate); they leave at the next {@link #flush()}. */
    void write(ByteBuf bytes) {
        context.write(bytes, context.voidPromise());
        dirty = true;
    }

    /** Flushes what {@link #write} queued; false when nothing was queued. */
    boolean flush() {
        if (!dirty) {
            return false;
        }
        dirty = false;
        context.flush();
        return true;
    }
}
