package dev.parley.rooms.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Every meter rooms-service registers, in one place (listed in the module README and docs/metrics.md). Tags are
 * bounded: never a tenant, room or member id.
 */
@ApplicationScoped
@io.quarkus.runtime.Startup
public class RoomsMetrics {

    /** Counter: rooms created. */
    public static final String ROOMS_CREATED = "parley.rooms.rooms.created";
    /** Counter: members added (at creation and later); tag {@code kind} = user|agent. */
    public static final String MEMBERS_ADDED = "parley.rooms.members.added";
    /** Counter: members removed; tag {@code kind} = user|agent. */
    public static final String MEMBERS_REMOVED = "parley.rooms.members.removed";
    /** Counter: messages posted; tag {@code sender} = user|agent. */
    public static final String MESSAGES_POSTED = "parley.rooms.messages.posted";
    /** Distribution summary (histogram): routes per posted message. */
    public static final String MESSAGE_ROUTES = "parley.rooms.message.routes";
    /** Counter: agent inbox deliveries appended; tag {@code mentioned} = true|false. */
    public static final String DELIVERIES = "parley.rooms.deliveries";

    /** Counter: webhook POST attempts; tag {@code outcome} = delivered|retry|dead_letter. */
    public static final String WEBHOOK_ATTEMPTS = "parley.rooms.webhooks.attempts";

    public static final String TAG_KIND = "kind";
    public static final String TAG_OUTCOME = "outcome";
    public static final String TAG_SENDER = "sender";
    public static final String TAG_MENTIONED = "mentioned";

    private final MeterRegistry registry;
    private final Counter roomsCreated;
    private final DistributionSummary routes;

    public RoomsMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.roomsCreated = Counter.builder(ROOMS_CREATED).description("rooms created").register(registry);
        this.routes = DistributionSummary.builder(MESSAGE_ROUTES).description("routes per posted message")
                .publishPercentileHistogram().serviceLevelObjectives(1, 2, 5, 10, 20).register(registry);
    }

    public void roomCreated() {
        roomsCreated.increment();
    }

    public void memberAdded(String kind) {
        membersAdded(kind, 1);
    }

    public void membersAdded(String kind, long count) {
        registry.counter(MEMBERS_ADDED, TAG_KIND, kind).increment(count);
    }

    public void memberRemoved(String kind) {
        registry.counter(MEMBERS_REMOVED, TAG_KIND, kind).increment();
    }

    public void messagePosted(String senderKind, int routeCount) {
        registry.counter(MESSAGES_POSTED, TAG_SENDER, senderKind).increment();
        routes.record(routeCount);
    }

    public void delivered(boolean mentioned, int count) {
        if (count > 0) {
            registry.counter(DELIVERIES, TAG_MENTIONED, Boolean.toString(mentioned)).increment(count);
        }
    }

    public void webhookAttempt(String outcome) {
        registry.counter(WEBHOOK_ATTEMPTS, TAG_OUTCOME, outcome).increment();
    }
}
