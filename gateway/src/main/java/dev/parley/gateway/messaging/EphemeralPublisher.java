package dev.parley.gateway.messaging;

import dev.parley.events.Envelope;
import dev.parley.events.Json;
import dev.parley.events.StreamKey;
import dev.parley.platform.kafka.ParleyKafka;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Publishes {@code typing} / {@code signal} from WebSocket ops to {@code parley.ephemeral.v1} (key = stream key). */
@ApplicationScoped
public class EphemeralPublisher {

    private static final Logger LOG = Logger.getLogger(EphemeralPublisher.class);

    private final ParleyKafka kafka;
    private final ExecutorService sender = Executors.newSingleThreadExecutor(
            r -> Thread.ofPlatform().daemon().name("ephemeral-publisher").unstarted(r));

    public EphemeralPublisher(ParleyKafka kafka) {
        this.kafka = kafka;
    }

    /** {@code origin} is the sender's ref: no gateway delivers the event back to it. */
    public void publish(StreamKey key, Envelope envelope, String origin) {
        byte[] value = Json.bytes(envelope);
        sender.execute(() -> kafka.send(kafka.topicNames().ephemeral(), key.value(), envelope.type(), null, origin,
                value).subscribe().with(ok -> {
                }, e -> LOG.debugf("ephemeral %s not published: %s", envelope.type(), e.toString())));
    }

    void stop(@Observes ShutdownEvent event) {
        sender.shutdown();
    }
}
