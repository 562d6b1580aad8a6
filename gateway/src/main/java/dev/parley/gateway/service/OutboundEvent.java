package dev.parley.gateway.service;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * One event from Kafka on its way to every subscribed connection. The record value is the envelope JSON exactly as
 * clients get it, so it is never re-encoded: the WebSocket frame and the SSE frame are built once, lazily, and the
 * same bytes are written to every connection (ADR 0016). The frames written below Vert.x are direct buffers, so
 * Netty hands them to the socket without a copy per connection; they are unreleasable (each write takes a
 * {@code duplicate()}: own indexes, no reference counting) and wrap a JDK direct buffer, which the garbage collector
 * frees once no connection holds the event any more.
 */
public final class OutboundEvent {

    private final String key;
    private final Long seq;
    private final String type;
    private final String origin;
    private final byte[] value;
    private volatile ByteBuf ws;
    private volatile ByteBuf wsFrame;
    private volatile Buffer sse;
    private volatile ByteBuf sseChunk;
    private volatile long atMillis = Long.MIN_VALUE;

    public OutboundEvent(String key, Long seq, String type, String origin, byte[] value) {
        this.key = key;
        this.seq = seq;
        this.type = type;
        this.origin = origin;
        this.value = value;
    }

    public String key() {
        return key;
    }

    public Long seq() {
        return seq;
    }

    public String type() {
        return type;
    }

    public String origin() {
        return origin;
    }

    public byte[] value() {
        return value;
    }

    /** The text payload, shared by every WebSocket write (unreleasable, so each write takes a duplicate). */
    public ByteBuf ws() {
        ByteBuf b = ws;
        if (b == null) {
            b = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(value));
            ws = b;
        }
        return b;
    }

    /**
     * The complete WebSocket text frame (RFC 6455 §5.2: FIN + opcode, length, payload; a server never masks), shared
     * by every connection that writes below Vert.x's WebSocket encoder.
     */
    public ByteBuf wsFrame() {
        ByteBuf b = wsFrame;
        if (b == null) {
            int n = value.length;
            ByteBuffer frame = ByteBuffer.allocateDirect(n + 10).put((byte) 0x81);
            if (n < 126) {
                frame.put((byte) n);
            } else if (n < 65_536) {
                frame.put((byte) 126).putShort((short) n);
            } else {
                frame.put((byte) 127).putLong(n);
            }
            b = shared(frame.put(value));
            wsFrame = b;
        }
        return b;
    }

    /** {@code id:} / {@code event:} / {@code data:} frame, shared by every SSE write through Vert.x. */
    public Buffer sse() {
        Buffer b = sse;
        if (b == null) {
            b = sseFrame(seq, type, value);
            sse = b;
        }
        return b;
    }

    /**
     * The SSE frame as one HTTP/1.1 chunk (RFC 9112 §7.1: size in hex, CRLF, data, CRLF), shared by every SSE
     * response written below Vert.x's HTTP encoder.
     */
    public ByteBuf sseChunk() {
        ByteBuf b = sseChunk;
        if (b == null) {
            Buffer frame = sse();
            byte[] size = (Integer.toHexString(frame.length()) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            ByteBuffer chunk = ByteBuffer.allocateDirect(size.length + frame.length() + 2);
            chunk.put(size).put(frame.getBytes()).put((byte) '\r').put((byte) '\n');
            b = shared(chunk);
            sseChunk = b;
        }
        return b;
    }

    private static ByteBuf shared(ByteBuffer filled) {
        return Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(filled.flip()));
    }

    public static Buffer sseFrame(Long seq, String type, byte[] json) {
        Buffer b = Buffer.buffer(json.length + 64);
        if (seq != null) {
            b.appendString("id: ").appendString(Long.toString(seq)).appendString("\n");
        }
        if (type != null) {
            b.appendString("event: ").appendString(type).appendString("\n");
        }
        // envelope JSON is written on one line; any raw newline would break the frame, so split defensively
        String text = new String(json, StandardCharsets.UTF_8);
        if (text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
            for (String line : text.split("\r\n|\r|\n")) {
                b.appendString("data: ").appendString(line).appendString("\n");
            }
        } else {
            b.appendString("data: ").appendBytes(json).appendString("\n");
        }
        return b.appendString("\n");
    }

    /** The envelope's {@code at} in epoch millis (for the latency histogram), or -1 if absent. */
    public long atMillis() {
        long a = atMillis;
        if (a == Long.MIN_VALUE) {
            a = parseAt(value);
            atMillis = a;
        }
        return a;
    }

    static long parseAt(byte[] json) {
        String text = new String(json, 0, Math.min(json.length, 512), StandardCharsets.UTF_8);
        int i = text.indexOf("\"at\":\"");
        if (i < 0) {
            return -1;
        }
        int end = text.indexOf('"', i + 6);
        if (end < 0) {
            return -1;
        }
        try {
            return Instant.parse(text.substring(i + 6, end)).toEpochMilli();
        } catch (RuntimeException e) {
            return -1;
        }
    }
}
