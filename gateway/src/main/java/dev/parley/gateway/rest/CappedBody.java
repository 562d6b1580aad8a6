package dev.parley.gateway.rest;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * A request body that fails once it has carried more than its cap: the byte cap holds for a chunked body without
 * {@code Content-Length} too (contract §1), counted as it is streamed to the owner, never buffered.
 */
final class CappedBody implements ReadStream<Buffer> {

    /** The failure the body's stream ends with once over its cap. */
    private static final class TooLarge extends RuntimeException {
        TooLarge(long max) {
            super("request body over " + max + " bytes", null, false, false);
        }
    }

    private final ReadStream<Buffer> source;
    private final long max;
    private long seen;
    private boolean failed;
    private Handler<Throwable> exceptionHandler;
    private Handler<Void> endHandler;

    CappedBody(ReadStream<Buffer> source, long max) {
        this.source = source;
        this.max = max;
    }

    /** True once the body went over its cap (the proxy then answers 413, whatever the failure it saw). */
    boolean overflowed() {
        return failed;
    }

    long max() {
        return max;
    }

    @Override
    public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
        this.exceptionHandler = handler;
        source.exceptionHandler(handler);
        return this;
    }

    @Override
    public ReadStream<Buffer> handler(Handler<Buffer> handler) {
        if (handler == null) {
            source.handler(null);
            return this;
        }
        source.handler(chunk -> {
            if (failed) {
                return;
            }
            seen += chunk.length();
            if (seen > max) {
                failed = true;
                source.pause();
                if (exceptionHandler != null) {
                    exceptionHandler.handle(new TooLarge(max));
                }
                return;
            }
            handler.handle(chunk);
        });
        return this;
    }

    @Override
    public ReadStream<Buffer> pause() {
        source.pause();
        return this;
    }

    @Override
    public ReadStream<Buffer> resume() {
        if (!failed) {
            source.resume();
        }
        return this;
    }

    @Override
    public ReadStream<Buffer> fetch(long amount) {
        if (!failed) {
            source.fetch(amount);
        }
        return this;
    }

    @Override
    public ReadStream<Buffer> endHandler(Handler<Void> handler) {
        this.endHandler = handler;
        source.endHandler(v -> {
            if (!failed && endHandler != null) {
                endHandler.handle(null);
            }
        });
        return this;
    }
}
