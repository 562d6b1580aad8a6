package dev.parley.gateway.client;

import dev.parley.events.Json;
import dev.parley.events.payload.ConnectionEvent;
import dev.parley.gateway.config.GatewayConfig;
import dev.parley.gateway.service.Connection;
import dev.parley.platform.identity.Caller;
import dev.parley.platform.kafka.ParleyKafka;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The gateway half of presence (issue 4): connect / disconnect / activity per connection and a heartbeat per
 * instance, published to {@code parley.presence.connections.v1} (key = tenant; heartbeats key = instance id).
 * Only humans have presence; app connections are not reported.
 * <p>
 * Each open connection is re-announced ({@code announce}) once per {@code presence-announce-interval}, on the
 * sender thread right after a heartbeat, at most {@link #ANNOUNCE_BATCH} per heartbeat: the connections topic then
 * always holds a recent record of every open connection, so a rebuilt presence-service knows them (ADR 0025).
 */
@ApplicationScoped
public class PresenceFeed {

    private static final Logger LOG = Logger.getLogger(PresenceFeed.class);
    /** API writes count as activity at most this often per member (presence's idle-after is minutes). */
    private static final long ACTIVITY_THROTTLE_MS = 2_000;
    /** Announces per heartbeat at most (bounds the burst; a cycle over N connections takes N / this heartbeats). */
    static final int ANNOUNCE_BATCH = 500;

    /** An open connection of a human, and when a record naming it (connect, activity, announce) last left. */
    private static final class Open {
        final Caller caller;
        volatile long sentAt;

        Open(Caller caller, long sentAt) {
            this.caller = caller;
            this.sentAt = sentAt;
        }
    }

    private final ParleyKafka kafka;
    private final GatewayConfig config;
    private final Vertx vertx;
    private final String instanceId;
    private final Map<String, Long> lastActivity = new ConcurrentHashMap<>();
    /** Open human connections by id (announced periodically). */
    private final Map<String, Open> open = new ConcurrentHashMap<>();
    private long heartbeatTimer = -1;
    private final java.util.concurrent.ExecutorService sender = java.util.concurrent.Executors
            .newSingleThreadExecutor(r -> Thread.ofPlatform().daemon().name("presence-feed").unstarted(r));

    public PresenceFeed(ParleyKafka kafka, GatewayConfig config, Vertx vertx) {
        this.kafka = kafka;
        this.config = config;
        this.vertx = vertx;
        this.instanceId = config.instanceId().filter(s -> !s.isBlank()).orElse(UUID.randomUUID().toString());
    }

    public String instanceId() {
        return instanceId;
    }

    void start(@Observes StartupEvent event) {
        heartbeat();
        heartbeatTimer = vertx.setPeriodic(config.heartbeatInterval().toMillis(), id -> heartbeat());
    }

    void stop(@Observes ShutdownEvent event) {
        if (heartbeatTimer >= 0) {
            vertx.cancelTimer(heartbeatTimer);
        }
        sender.shutdown();
    }

    public void connected(Connection connection) {
        if (!connection.caller().isApp()) {
            open.put(connection.id(), new Open(connection.caller(), System.currentTimeMillis()));
        }
        publish(ConnectionEvent.CONNECT, connection.id(), connection.caller());
    }

    public void disconnected(Connection connection) {
        open.remove(connection.id());
        publish(ConnectionEvent.DISCONNECT, connection.id(), connection.caller());
    }

    /** The WebSocket {@code activity} op. */
    public void activity(Connection connection) {
        Open o = open.get(connection.id());
        if (o != null) {
            o.sentAt = System.currentTimeMillis(); // names the connection too: no announce needed for a while
        }
        publish(ConnectionEvent.ACTIVITY, connection.id(), connection.caller());
    }

    /** An API write by the caller (throttled per member). */
    public void apiWrite(Caller caller) {
        if (caller.isApp()) {
            return;
        }
        String key = caller.tenant() + "/" + caller.userRef();
        long now = System.currentTimeMillis();
        Long previous = lastActivity.get(key);
        if (previous != null && now - previous < ACTIVITY_THROTTLE_MS) {
            return;
        }
        if (lastActivity.size() > 100_000) {
            lastActivity.clear();
        }
        lastActivity.put(key, now);
        publish(ConnectionEvent.ACTIVITY, null, caller);
    }

    private void publish(String kind, String connection, Caller caller) {
        if (caller.isApp()) {
            return;
        }
        ConnectionEvent event = new ConnectionEvent(kind, instanceId, connection, caller.tenant(), caller.userRef(),
                caller.name(), now());
        send(caller.tenant(), kind, event);
    }

    private void heartbeat() {
        send(instanceId, ConnectionEvent.HEARTBEAT,
                new ConnectionEvent(ConnectionEvent.HEARTBEAT, instanceId, null, null, null, null, now()));
        if (!open.isEmpty()) {
            sender.execute(this::announceDue);
        }
    }

    /**
     * On the sender thread: re-announces the open connections not named by any record for an announce interval, at
     * most {@link #ANNOUNCE_BATCH}. A disconnect queued meanwhile leaves after these, so it is never overtaken.
     */
    private void announceDue() {
        long now = System.currentTimeMillis();
        long due = now - config.presenceAnnounceInterval().toMillis();
        int sent = 0;
        for (Map.Entry<String, Open> entry : open.entrySet()) {
            Open o = entry.getValue();
            if (o.sentAt > due) {
                continue;
            }
            o.sentAt = now;
            Caller caller = o.caller;
            sendNow(caller.tenant(), ConnectionEvent.ANNOUNCE, new ConnectionEvent(ConnectionEvent.ANNOUNCE,
                    instanceId, entry.getKey(), caller.tenant(), caller.userRef(), caller.name(), now()));
            if (++sent >= ANNOUNCE_BATCH) {
                break;
            }
        }
    }

    private void send(String key, String kind, ConnectionEvent event) {
        // one sender thread keeps connect/disconnect in order and keeps producer metadata waits off event loops
        sender.execute(() -> sendNow(key, kind, event));
    }

    private void sendNow(String key, String kind, ConnectionEvent event) {
        kafka.send(kafka.topicNames().presenceConnections(), key, kind, null, null, Json.bytes(event))
                .subscribe().with(ok -> {
                }, e -> LOG.debugf("presence feed: %s not published: %s", kind, e.toString()));
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }
}
