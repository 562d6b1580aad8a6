package dev.parley.gateway.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.events.EventTypes;
import dev.parley.events.InvalidStreamException;
import dev.parley.events.Json;
import dev.parley.events.StreamKey;
import dev.parley.events.StreamName;
import dev.parley.gateway.config.GatewayConfig;
import dev.parley.gateway.domain.StreamFailure;
import dev.parley.gateway.client.PresenceFeed;
import dev.parley.gateway.metrics.GatewayMetrics;
import dev.parley.platform.problem.ErrorCodes;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.impl.ContextInternal;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The gateway's stream hub: which connection is subscribed to which stream key, the per-member connection cap,
 * dispatch of live events to subscriptions (on each connection's context), and access revocation.
 */
@ApplicationScoped
public class Streams {

    /** New error code (stream-level): a WebSocket already holds the configured maximum of subscriptions. */
    public static final String SUBSCRIPTION_LIMIT = dev.parley.platform.problem.ErrorCodes.SUBSCRIPTION_LIMIT;

    private final OwnerClient owners;
    private final GatewayConfig config;
    private final PresenceFeed presence;
    private final Map<String, Set<Subscription>> byKey = new ConcurrentHashMap<>();
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicInteger> perMember = new ConcurrentHashMap<>();
    /** Polls one event loop drains before it flushes and returns to its sockets. */
    private static final int MAX_POLLS_PER_DRAIN = 16;
    /** Deliveries queued on all loops above which the fan-out consumer waits (lag stays in Kafka). */
    private static final long MAX_QUEUED_DELIVERIES = 1_000_000;
    private final AtomicLong queuedDeliveries = new AtomicLong();
    /** Delivery queues by event loop (base context); touched by the fan-out consumer thread only. */
    private final Map<ContextInternal, LoopQueue> loops = new IdentityHashMap<>();
    private final AtomicInteger wsOpen = new AtomicInteger();
    private final AtomicInteger sseOpen = new AtomicInteger();
    private final AtomicInteger subscriptionCount = new AtomicInteger();
    private final Counter wsFanned;
    private final Counter sseFanned;
    private final Counter wsSlow;
    private final Counter sseSlow;
    private final Counter replays;
    private final Counter connectionsLimited;
    private final Timer latency;
    private volatile boolean draining;

    public Streams(OwnerClient owners, GatewayConfig config, PresenceFeed presence, MeterRegistry registry) {
        this.owners = owners;
        this.config = config;
        this.presence = presence;
        registry.gauge(GatewayMetrics.CONNECTIONS, List.of(io.micrometer.core.instrument.Tag.of("transport", "ws")),
                wsOpen);
        registry.gauge(GatewayMetrics.CONNECTIONS, List.of(io.micrometer.core.instrument.Tag.of("transport", "sse")),
                sseOpen);
        registry.gauge(GatewayMetrics.SUBSCRIPTIONS, subscriptionCount);
        this.wsFanned = registry.counter(GatewayMetrics.EVENTS_FANNED_OUT, "transport", "ws");
        this.sseFanned = registry.counter(GatewayMetrics.EVENTS_FANNED_OUT, "transport", "sse");
        this.wsSlow = registry.counter(GatewayMetrics.SLOW_CONSUMER_DISCONNECTS, "transport", "ws");
        this.sseSlow = registry.counter(GatewayMetrics.SLOW_CONSUMER_DISCONNECTS, "transport", "sse");
        this.replays = registry.counter(GatewayMetrics.REPLAY_REQUESTS);
        this.connectionsLimited = registry.counter(GatewayMetrics.RATE_LIMITED, "limit", "connections");
        this.latency = Timer.builder(GatewayMetrics.FANOUT_LATENCY).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry);
    }

    public OwnerClient owners() {
        return owners;
    }

    private final AtomicInteger replaysInFlight = new AtomicInteger();

    /**
     * Runs a replay fetch when both the connection and the gateway have a slot (on the connection's context);
     * {@link #replayDone} frees it. Replay is paced this way: a connection with 100 subscriptions at seq 0 asks
     * for at most a few pages at a time, and writes them only while its outbound buffer has room.
     */
    void replaySlot(Connection connection, Runnable fetch) {
        if (connection.replaysInFlight >= config.replayConcurrencyPerConnection()) {
            connection.replaysWaiting.add(fetch);
            return;
        }
        if (replaysInFlight.incrementAndGet() > config.replayConcurrency()) {
            replaysInFlight.decrementAndGet();
            connection.context().owner().setTimer(20, t -> connection.context()
                    .runOnContext(v -> replaySlot(connection, fetch)));
            return;
        }
        connection.replaysInFlight++;
        fetch.run();
    }

    void replayDone(Connection connection) {
        connection.replaysInFlight--;
        replaysInFlight.decrementAndGet();
        Runnable next = connection.replaysWaiting.poll();
        if (next != null && !connection.isClosed()) {
            replaySlot(connection, next);
        } else if (connection.isClosed()) {
            connection.replaysWaiting.clear();
        }
    }

    long replayDrainGraceMillis() {
        return config.replayDrainGrace().toMillis();
    }

    long reauthorizeIntervalMillis() {
        return config.reauthorizeInterval().toMillis();
    }

    public boolean draining() {
        return draining;
    }

    /** The key a caller means by a client name; {@link StreamFailure} 404 when it names no stream of theirs. */
    public static StreamKey keyFor(Connection connection, StreamName name) {
        try {
            return connection.caller().streamKey(name);
        } catch (InvalidStreamException e) {
            throw new StreamFailure(404, ErrorCodes.NOT_FOUND, e.getMessage());
        }
    }

    /** Admits a new connection (member cap); false when over the cap (the caller answers 429). */
    public boolean admit(TokenVerifier.Verified auth) {
        AtomicInteger count = perMember.computeIfAbsent(memberKey(auth), k -> new AtomicInteger());
        if (count.incrementAndGet() > config.maxConnectionsPerMember()) {
            count.decrementAndGet();
            connectionsLimited.increment();
            return false;
        }
        return true;
    }

    /** Releases an admission that did not become a connection. */
    public void release(TokenVerifier.Verified auth) {
        AtomicInteger count = perMember.get(memberKey(auth));
        if (count != null) {
            count.decrementAndGet();
        }
    }

    /** Registers an admitted, open connection: presence connect and the token-expiry close. */
    public void opened(Connection connection) {
        connections.add(connection);
        ("ws".equals(connection.transport()) ? wsOpen : sseOpen).incrementAndGet();
        presence.connected(connection);
        long ms = Duration.between(Instant.now(), connection.auth().expiresAt()).toMillis();
        connection.expiryTimer = connection.context().owner().setTimer(Math.max(1, ms), t -> connection.context()
                .runOnContext(v -> connection.close(CloseCodes.POLICY, "token expired")));
        if (draining) {
            connection.context().runOnContext(v -> connection.close(CloseCodes.GOING_AWAY, "shutting down"));
        }
    }

    /** The connection ended (either side): drop its subscriptions, presence disconnect. Idempotent. */
    public void closed(Connection connection) {
        connection.markClosed();
        // also for a connection that never opened (client gone while the owner was asked): no dangling subscription
        for (Subscription s : new ArrayList<>(connection.subscriptions.values())) {
            unregister(s);
        }
        connection.subscriptions.clear();
        if (!connections.remove(connection)) {
            return;
        }
        ("ws".equals(connection.transport()) ? wsOpen : sseOpen).decrementAndGet();
        if (connection.expiryTimer >= 0) {
            connection.context().owner().cancelTimer(connection.expiryTimer);
        }
        release(connection.auth());
        presence.disconnected(connection);
    }

    /**
     * Subscribes a connection (on its context): register for the live tail first, then authorize with the owner,
     * then latest values / replay. The future fails with {@link StreamFailure} (404 not visible, 503 owner down).
     */
    public Future<Subscription> subscribe(Connection connection, StreamName name, Long after,
                                          java.util.function.Consumer<OwnerClient.StreamInfo> beforeStart) {
        StreamKey key;
        try {
            key = keyFor(connection, name);
        } catch (StreamFailure e) {
            return Future.failedFuture(e);
        }
        Subscription existing = connection.subscriptions.get(key.value());
        if (existing != null) {
            unsubscribe(connection, existing.name());
        }
        if (connection.subscriptions.size() >= config.maxSubscriptionsPerConnection()) {
            return Future.failedFuture(new StreamFailure(429, SUBSCRIPTION_LIMIT, "at most "
                    + config.maxSubscriptionsPerConnection() + " subscriptions per connection"));
        }
        Subscription subscription = new Subscription(connection, name, key, this);
        connection.subscriptions.put(key.value(), subscription);
        byKey.computeIfAbsent(dispatchKey(key), k -> ConcurrentHashMap.newKeySet()).add(subscription);
        subscriptionCount.incrementAndGet();
        if (after != null) {
            replays.increment();
        }
        return owners.info(name, connection.token()).transform(result -> {
            io.vertx.core.Promise<Subscription> promise = io.vertx.core.Promise.promise();
            connection.context().runOnContext(v -> {
                if (result.failed()) {
                    if (connection.subscriptions.get(key.value()) == subscription) {
                        connection.subscriptions.remove(key.value());
                    }
                    unregister(subscription);
                    promise.fail(result.cause());
                    return;
                }
                if (subscription.ended()) {
                    promise.fail(new StreamFailure(404, ErrorCodes.NOT_FOUND, "unsubscribed"));
                    return;
                }
                if (beforeStart != null) {
                    beforeStart.accept(result.result());
                }
                subscription.start(result.result(), after);
                promise.complete(subscription);
            });
            return promise.future();
        });
    }

    public void unsubscribe(Connection connection, StreamName name) {
        StreamKey key;
        try {
            key = keyFor(connection, name);
        } catch (StreamFailure e) {
            return;
        }
        Subscription s = connection.subscriptions.remove(key.value());
        if (s != null) {
            unregister(s);
        }
    }

    private void unregister(Subscription s) {
        s.end();
        Set<Subscription> set = byKey.get(dispatchKey(s.key()));
        if (set != null && set.remove(s)) {
            subscriptionCount.decrementAndGet();
        }
    }

    /** Presence changes arrive per member; all of a tenant's are one stream {@code <tenant>/presence}. */
    static String dispatchKey(StreamKey key) {
        return key.value();
    }

    /**
     * From the fan-out consumer thread, once per poll: hands every event to every subscription of its key. The
     * deliveries are grouped by event loop and queued there; a loop drains everything queued in one task, writing in
     * poll order and then flushing each connection once. So a burst, or a loop still busy with the previous poll,
     * costs one {@code write(2)} per connection rather than one per event, an idle loop delivers at once, and no
     * task is queued per subscriber (ADR 0016).
     */
    public void dispatch(List<OutboundEvent> events) {
        // the loops are behind: let the lag build up in Kafka, not in memory
        while (queuedDeliveries.get() > MAX_QUEUED_DELIVERIES) {
            LockSupport.parkNanos(1_000_000);
        }
        Map<LoopQueue, Delivery> byLoop = new IdentityHashMap<>();
        for (OutboundEvent event : events) {
            Set<Subscription> subs = byKey.get(event.key());
            if (subs == null) {
                continue;
            }
            for (Subscription s : subs) {
                ContextInternal loop = ((ContextInternal) s.connection().context()).unwrap();
                LoopQueue queue = loops.computeIfAbsent(loop, LoopQueue::new);
                byLoop.computeIfAbsent(queue, q -> new Delivery()).add(s, event);
            }
        }
        byLoop.forEach(LoopQueue::offer);
    }

    /** Live deliveries waiting for one event loop; at most one drain task is scheduled at a time. */
    private final class LoopQueue implements Handler<Void> {

        private final ContextInternal loop;
        private final Queue<Delivery> queued = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean scheduled = new AtomicBoolean();

        LoopQueue(ContextInternal loop) {
            this.loop = loop;
        }

        void offer(Delivery delivery) {
            queuedDeliveries.addAndGet(delivery.size());
            queued.add(delivery);
            if (scheduled.compareAndSet(false, true)) {
                loop.runOnContext(this);
            }
        }

        /** Drains a bounded number of polls (the loop must get back to its sockets), flushes, and goes again. */
        @Override
        public void handle(Void ignored) {
            scheduled.set(false);
            Set<Connection> written = Collections.newSetFromMap(new IdentityHashMap<>());
            long now = System.currentTimeMillis();
            Delivery d;
            for (int polls = 0; polls < MAX_POLLS_PER_DRAIN && (d = queued.poll()) != null; polls++) {
                d.deliver(written, now);
                queuedDeliveries.addAndGet(-d.size());
            }
            for (Connection c : written) {
                flush(c);
            }
            if (!queued.isEmpty() && scheduled.compareAndSet(false, true)) {
                loop.runOnContext(this);
            }
        }
    }

    /** One poll's live events for the subscriptions on one event loop, in poll order. */
    private final class Delivery {

        private final List<Subscription> subscriptions = new ArrayList<>();
        private final List<OutboundEvent> events = new ArrayList<>();

        void add(Subscription subscription, OutboundEvent event) {
            subscriptions.add(subscription);
            events.add(event);
        }

        int size() {
            return events.size();
        }

        void deliver(Set<Connection> written, long now) {
            OutboundEvent previous = null;
            for (int i = 0; i < subscriptions.size(); i++) {
                Subscription s = subscriptions.get(i);
                OutboundEvent event = events.get(i);
                s.onLive(event);
                written.add(s.connection());
                if (event != previous && event.atMillis() > 0) {
                    latency.record(Math.max(0, now - event.atMillis()), TimeUnit.MILLISECONDS);
                }
                previous = event;
            }
        }
    }

    void written(Connection connection) {
        ("ws".equals(connection.transport()) ? wsFanned : sseFanned).increment();
    }

    /** Sends what the connection holds unflushed; a connection whose buffer is over its bound is too slow. */
    void flush(Connection connection) {
        if (connection.isClosed()) {
            return;
        }
        connection.flush();
        if (connection.overflowing()) {
            slowConsumer(connection);
        }
    }

    void slowConsumer(Connection connection) {
        if (connection.isClosed()) {
            return;
        }
        ("ws".equals(connection.transport()) ? wsSlow : sseSlow).increment();
        connection.close(CloseCodes.TRY_AGAIN_LATER, "too slow: reconnect and resume");
    }

    void replayRequested() {
        replays.increment();
    }

    /**
     * After a durable event was delivered: a removed member or revoked share ends the affected subscriptions
     * (contract §2, brief "Membership loss").
     */
    void afterDelivered(Subscription subscription, String type, byte[] value) {
        if (!EventTypes.MEMBER_REMOVED.equals(type) && !EventTypes.SHARE_REVOKED.equals(type)) {
            return;
        }
        Connection connection = subscription.connection();
        JsonNode data = Json.read(value, JsonNode.class).path("data");
        if (EventTypes.MEMBER_REMOVED.equals(type)) {
            String ref = data.path("ref").asText("");
            if (connection.caller().isHuman()) {
                if (ref.equals(connection.selfRef())) {
                    revoke(subscription);
                }
            } else if (ref.startsWith(connection.caller().appId() + ":")) {
                // an app may still have other agents in the room: ask the owner again
                owners.info(subscription.name(), connection.token()).onComplete(r -> connection.context()
                        .runOnContext(v -> {
                            if (r.failed() && r.cause() instanceof StreamFailure f && f.status() == 404) {
                                revoke(subscription);
                            }
                        }));
            }
        } else if (subscription.name().kind() == StreamName.Kind.ME) {
            String sessionId = data.path("sessionId").asText("");
            for (Subscription other : new ArrayList<>(connection.subscriptions.values())) {
                if (other.name().kind() == StreamName.Kind.SESSION && other.name().id() != null
                        && other.name().id().toString().equalsIgnoreCase(sessionId)) {
                    revoke(other);
                }
            }
        }
    }

    void revoke(Subscription subscription) {
        Connection connection = subscription.connection();
        connection.subscriptions.remove(subscription.key().value());
        unregister(subscription);
        connection.accessRevoked(subscription);
    }

    /** Shutdown: stop admitting, close every WebSocket with 1001 and end every SSE stream. */
    public void drain() {
        draining = true;
        for (Connection c : connections) {
            c.context().runOnContext(v -> c.close(CloseCodes.GOING_AWAY, "the gateway is shutting down"));
        }
    }

    public int openConnections() {
        return connections.size();
    }

    private static String memberKey(TokenVerifier.Verified auth) {
        return auth.caller().tenant() + "|" + auth.caller().principal();
    }
}
