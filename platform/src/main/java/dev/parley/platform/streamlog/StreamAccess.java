package dev.parley.platform.streamlog;

import dev.parley.events.Envelope;
import dev.parley.events.StreamKey;
import dev.parley.events.StreamName;
import dev.parley.platform.identity.Caller;
import io.smallrye.mutiny.Uni;

import java.util.List;

/**
 * Implemented by each service for the streams it owns: who may read a stream (the gateway asks before it
 * subscribes a connection, and again on replay), and which latest-value events a new subscriber gets first.
 */
public interface StreamAccess {

    /** Whether this service owns streams of that name's kind. */
    boolean owns(StreamName name);

    /**
     * The stream the caller may read under that name, or a failure with a 404 problem when it does not exist or is
     * not visible to the caller (another tenant, not a member) — exactly as if it did not exist.
     */
    Uni<StreamKey> authorize(Caller caller, StreamName name);

    /** Latest-value events a subscriber gets before the live tail (a running turn's snapshot, the roster). */
    default Uni<List<Envelope>> latest(Caller caller, StreamKey key) {
        return Uni.createFrom().item(List.of());
    }
}
