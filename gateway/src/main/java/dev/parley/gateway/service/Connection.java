package dev.parley.gateway.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.events.StreamKey;
import dev.parley.platform.identity.Caller;
import io.vertx.core.Context;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * One client stream connection (a WebSocket or an SSE response). Everything about it runs on its own Vert.x
 * context, so its subscriptions need no locks and its writes stay in order.
 */
public abstract class Connection {

    private final String id = UUID.randomUUID().toString();
    private final TokenVerifier.Verified auth;
    private final Context context;
    /** Subscriptions by stream key value; touched on {@link #context()} only. */
    final Map<String, Subscription> subscriptions = new LinkedHashMap<>();
    private boolean closed;
    /** Replay pages of this connection in flight, and the fetches waiting for a slot; on the context only. */
    int replaysInFlight;
    final java.util.ArrayDeque<Runnable> replaysWaiting = new java.util.ArrayDeque<>();
    /** Who waits for the outbound buffer to have room again; on the context only. */
    private final java.util.List<Runnable> drainWaiters = new java.util.ArrayList<>();

    /** Runs {@code action} on the context once the outbound buffer has room again (replay pacing). */
    void whenDrained(Runnable action) {
        drainWaiters.add(action);
    }

    /** The transport's drain handler calls this (on the context). */
    protected void drained() {
        if (drainWaiters.isEmpty()) {
            return;
        }
        java.util.List<Runnable> waiting = new java.util.ArrayList<>(drainWaiters);
        drainWaiters.clear();
        waiting.forEach(Runnable::run);
    }

    /** Vert.x timer that closes the connection when its token expires; cancelled on close. */
    long expiryTimer = -1;

    protected Connection(TokenVerifier.Verified auth, Context context) {
        this.auth = auth;
        this.context = context;
    }

    public String id() {
        return id;
    }

    public Caller caller() {
        return auth.caller();
    }

    public String token() {
        return auth.token();
    }

    public TokenVerifier.Verified auth() {
        return auth;
    }

    public Context context() {
        return context;
    }

    /** The human's ref, or null for an app. */
    public String selfRef() {
        return caller().isHuman() ? caller().userRef() : null;
    }

    /**
     * Whether an event's origin is this connection's caller: the human, or for an app token any of its agents
     * (the agent it typed or signalled as). Their own {@code typing} and {@code signal} never come back to them.
     */
    public boolean isOwn(String origin) {
        if (origin == null) {
            return false;
        }
        return caller().isHuman() ? origin.equals(caller().userRef()) : origin.startsWith(caller().appId() + ":");
    }

    public boolean isClosed() {
        return closed;
    }

    public Subscription subscription(StreamKey key) {
        return subscriptions.get(key.value());
    }

    public Map<String, Subscription> subscriptions() {
        return subscriptions;
    }

    /** {@code ws} or {@code sse} (metric tag). */
    public abstract String transport();

    /**
     * Writes one live event (shared bytes), possibly without flushing it: whoever writes live events flushes the
     * connection with {@link #flush()} once it has written all it had (ADR 0016).
     */
    protected abstract void writeShared(OutboundEvent event);

    /** Sends what {@link #writeShared} left unflushed; true when something was flushed. */
    protected abstract boolean flush();

    /** Writes one envelope read from an owner (latest values, replay). */
    protected abstract void writeEnvelope(JsonNode envelope);

    /** Writes a control frame ({@code subscribed}, {@code error}); SSE ignores most of them. */
    public abstract void writeControl(JsonNode frame);

    /** True when the outbound buffer is over its bound. */
    protected abstract boolean overflowing();

    /** Closes the transport: WebSocket with {@code code}, SSE by ending the response. */
    protected abstract void closeTransport(int code, String reason);

    /** A subscription lost access (member removed, share revoked): contract §2 — WS close 1008, SSE ends. */
    public void accessRevoked(Subscription subscription) {
        close(CloseCodes.POLICY, "access to " + subscription.name().wire() + " was revoked");
    }

    /** Ends the connection (idempotent, on the context). */
    public void close(int code, String reason) {
        if (closed) {
            return;
        }
        closed = true;
        closeTransport(code, reason);
    }

    /** Marks closed after the peer went away; the hub cleans up. */
    void markClosed() {
        closed = true;
    }
}
