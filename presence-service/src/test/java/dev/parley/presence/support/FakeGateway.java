package dev.parley.presence.support;

import dev.parley.events.Json;
import dev.parley.events.KafkaHeaders;
import dev.parley.events.Topics;
import dev.parley.events.payload.ConnectionEvent;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Publishes {@link ConnectionEvent}s with a plain {@link KafkaProducer} exactly as a gateway instance does: key =
 * tenant for connection events, key = gateway id for heartbeats, header {@code parley-type} = kind, and a
 * heartbeat every {@code interval}.
 */
public final class FakeGateway implements AutoCloseable {

    private final String id;
    private final String topic;
    private final KafkaProducer<String, byte[]> producer;
    private final ScheduledExecutorService beats = Executors.newSingleThreadScheduledExecutor();

    public FakeGateway(String bootstrap, String id, Duration interval) {
        this.id = id;
        this.topic = new Topics("").presenceConnections();
        this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 0),
                new StringSerializer(), new ByteArraySerializer());
        beats.scheduleAtFixedRate(() -> send(id, new ConnectionEvent(ConnectionEvent.HEARTBEAT, id, null, null, null,
                null, Instant.now())), 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    public String id() {
        return id;
    }

    /** Returns the event's {@code at}. */
    public Instant connect(String tenant, String sub, String name, String connection) {
        return member(ConnectionEvent.CONNECT, tenant, sub, name, connection);
    }

    public Instant disconnect(String tenant, String sub, String connection) {
        return member(ConnectionEvent.DISCONNECT, tenant, sub, null, connection);
    }

    public Instant activity(String tenant, String sub, String connection) {
        return member(ConnectionEvent.ACTIVITY, tenant, sub, null, connection);
    }

    /** The periodic "still open" of one connection (ADR 0025): not activity. */
    public Instant announce(String tenant, String sub, String name, String connection) {
        return member(ConnectionEvent.ANNOUNCE, tenant, sub, name, connection);
    }

    /** Re-announces a connection every {@code interval} (as a gateway does for each open connection) until closed. */
    public void announceEvery(Duration interval, String tenant, String sub, String name, String connection) {
        beats.scheduleAtFixedRate(() -> announce(tenant, sub, name, connection), 0, interval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private Instant member(String kind, String tenant, String sub, String name, String connection) {
        Instant at = Instant.now();
        send(tenant, new ConnectionEvent(kind, id, connection, tenant, "user:" + sub, name, at));
        return at;
    }

    /** The gateway "dies": no more heartbeats, no announces, no disconnects. */
    public void stopHeartbeats() {
        beats.shutdownNow();
    }

    private void send(String key, ConnectionEvent event) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, Json.bytes(event));
        KafkaHeaders.put(record.headers(), KafkaHeaders.TYPE, event.kind());
        try {
            producer.send(record).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        beats.shutdownNow();
        producer.close(Duration.ofSeconds(2));
    }
}
