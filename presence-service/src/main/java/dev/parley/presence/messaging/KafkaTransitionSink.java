package dev.parley.presence.messaging;

import dev.parley.events.Envelope;
import dev.parley.events.EventTypes;
import dev.parley.events.Json;
import dev.parley.events.StreamName;
import dev.parley.platform.kafka.ParleyKafka;
import dev.parley.presence.domain.Transition;
import dev.parley.presence.metrics.PresenceMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Publishes a transition to the compacted {@code parley.presence.changes} topic: key {@code <tenant>/<ref>}, value
 * the {@code presence.changed} envelope JSON exactly as clients get it (stream "presence", no seq, data = the
 * roster entry). Gateways dispatch it to {@code <tenant>/presence} subscribers; session-relay reads partners'
 * statuses from it; presence itself rebuilds from it.
 */
public final class KafkaTransitionSink implements TransitionSink {

    private static final Logger LOG = Logger.getLogger(KafkaTransitionSink.class);

    private final ParleyKafka kafka;
    private final Clock clock;
    private final Map<String, Counter> transitions = new ConcurrentHashMap<>();
    private final Function<String, Counter> counter;
    private final Counter failures;

    public KafkaTransitionSink(ParleyKafka kafka, MeterRegistry registry, Clock clock) {
        this.kafka = kafka;
        this.clock = clock;
        this.counter = status -> registry.counter(PresenceMetrics.TRANSITIONS, "status", status);
        this.failures = registry.counter(PresenceMetrics.PUBLISH_FAILURES);
    }

    @Override
    public void publish(Transition transition) {
        Envelope envelope = Envelope.ephemeral(StreamName.PRESENCE.wire(), EventTypes.PRESENCE_CHANGED,
                clock.instant().truncatedTo(ChronoUnit.MILLIS), transition.entry());
        kafka.send(kafka.topicNames().presenceChanges(), transition.key(), EventTypes.PRESENCE_CHANGED, null, null,
                        Json.bytes(envelope))
                .subscribe().with(
                        ok -> transitions.computeIfAbsent(transition.entry().status(), counter).increment(),
                        error -> {
                            failures.increment();
                            LOG.warnf("could not publish presence of %s: %s", transition.key(), error.toString());
                        });
    }
}
