package dev.parley.presence.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.events.Envelope;
import dev.parley.events.EventTypes;
import dev.parley.events.Json;
import dev.parley.events.StreamName;
import dev.parley.events.payload.ConnectionEvent;
import dev.parley.events.payload.Discovery;
import dev.parley.events.payload.Items;
import dev.parley.events.payload.Me;
import dev.parley.events.payload.RosterEntry;
import dev.parley.platform.identity.Caller;
import dev.parley.platform.kafka.ParleyKafka;
import dev.parley.platform.problem.ErrorCodes;
import dev.parley.platform.problem.ProblemException;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** The use cases behind the REST endpoints and the presence stream; reads come from the rebuilt view. */
@ApplicationScoped
public class PresenceService {

    private final PresenceState state;
    private final ParleyKafka kafka;

    public PresenceService(PresenceState state, ParleyKafka kafka) {
        this.state = state;
        this.kafka = kafka;
    }

    /** Every call: a human is on their tenant's roster from their first call (the platform publishes them). */
    public void seen(Caller caller) {
        requireReady();
        if (caller.isHuman()) {
            state.directory().joined(caller.tenant(), caller.userRef(), caller.name(), Instant.now(), false);
        }
    }

    public List<RosterEntry> roster(Caller caller) {
        seen(caller);
        return state.directory().roster(caller.tenant());
    }

    /** Online (not idle, not offline) teammates other than the caller. */
    public List<RosterEntry> syncPartners(Caller caller) {
        String self = caller.isHuman() ? caller.userRef() : null;
        return roster(caller).stream()
                .filter(e -> RosterEntry.ONLINE.equals(e.status()) && !e.ref().equals(self))
                .toList();
    }

    /** The one {@code presence.snapshot} envelope a new subscriber of {@code <tenant>/presence} gets first. */
    public Envelope snapshot(Caller caller) {
        return Envelope.ephemeral(StreamName.PRESENCE.wire(), EventTypes.PRESENCE_SNAPSHOT,
                Instant.now().truncatedTo(ChronoUnit.MILLIS), new Items<>(roster(caller)));
    }

    /** Activity of a human outside any connection: goes through the fold like the gateways' activity events. */
    public Uni<Void> activity(Caller caller) {
        seen(caller);
        String ref = caller.userRef();
        ConnectionEvent event = new ConnectionEvent(ConnectionEvent.ACTIVITY, null, null, caller.tenant(), ref,
                caller.name(), Instant.now());
        return kafka.send(kafka.topicNames().presenceConnections(), caller.tenant(), ConnectionEvent.ACTIVITY, null,
                ref, Json.bytes(event)).replaceWithVoid();
    }

    public Me me(Caller caller) {
        seen(caller);
        String ref = caller.userRef();
        Discovery discovery = state.directory().discovery(caller.tenant(), ref).orElse(Discovery.ALL);
        return new Me(ref, caller.tenant(), caller.name(), complete(discovery));
    }

    /** Sets some or all of the caller's discovery flags; stored in the compacted discovery topic. */
    public Uni<Me> putDiscovery(Caller caller, JsonNode body) {
        String ref = caller.userRef();
        Discovery update = parse(body);
        seen(caller);
        Discovery current = complete(state.directory().discovery(caller.tenant(), ref).orElse(Discovery.ALL));
        Discovery next = new Discovery(
                update.channel() == null ? current.channel() : update.channel(),
                update.presence() == null ? current.presence() : update.presence(),
                update.sharedSessions() == null ? current.sharedSessions() : update.sharedSessions());
        String key = caller.tenant() + "/" + ref;
        return kafka.send(kafka.topicNames().discovery(), key, "discovery", null, ref, Json.bytes(next))
                .onFailure().transform(e -> ProblemException.unavailable("discovery settings could not be stored", 1))
                .map(ok -> {
                    state.directory().discovery(caller.tenant(), ref, next);
                    return new Me(ref, caller.tenant(), caller.name(), next);
                });
    }

    private static final Map<String, Integer> FIELDS = Map.of("channel", 0, "presence", 1, "sharedSessions", 2);

    static Discovery parse(JsonNode body) {
        if (body == null || body.isNull() || body.isMissingNode()) {
            throw ProblemException.badRequest(ErrorCodes.BODY_REQUIRED, "a JSON body with discovery flags is required");
        }
        if (!body.isObject()) {
            throw ProblemException.invalid("the body must be an object of booleans: channel, presence, sharedSessions");
        }
        Boolean[] values = new Boolean[3];
        for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            Integer index = FIELDS.get(field.getKey());
            if (index == null) {
                throw ProblemException.invalid("unknown discovery field '" + field.getKey() + "'");
            }
            if (!field.getValue().isBoolean()) {
                throw ProblemException.invalid("'" + field.getKey() + "' must be true or false");
            }
            values[index] = field.getValue().booleanValue();
        }
        return new Discovery(values[0], values[1], values[2]);
    }

    private static Discovery complete(Discovery d) {
        return new Discovery(d.channel() == null || d.channel(), d.presence() == null || d.presence(),
                d.sharedSessions() == null || d.sharedSessions());
    }

    private void requireReady() {
        if (!state.ready()) {
            throw ProblemException.unavailable("presence state is still being rebuilt", 1);
        }
    }
}
