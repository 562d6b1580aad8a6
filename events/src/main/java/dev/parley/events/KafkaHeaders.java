package dev.parley.events;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import java.nio.charset.StandardCharsets;

/**
 * Headers on event records, so consumers can route and deduplicate without decoding the value.
 * The record key is the {@link StreamKey}; the value is the {@link Envelope} JSON exactly as clients receive it.
 */
public final class KafkaHeaders {
    /** The event type. */
    public static final String TYPE = "parley-type";
    /** The stream {@code seq} as a decimal string (durable events only). */
    public static final String SEQ = "parley-seq";
    /** The ref of the member whose action caused an ephemeral event; gateways never echo it back to them. */
    public static final String ORIGIN = "parley-origin";

    private KafkaHeaders() {
    }

    public static String get(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    public static void put(Headers headers, String name, String value) {
        if (value != null) {
            headers.add(name, value.getBytes(StandardCharsets.UTF_8));
        }
    }
}
