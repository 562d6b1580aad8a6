package dev.parley.rooms.service;

import dev.parley.events.Envelope;
import dev.parley.events.EventTypes;
import dev.parley.events.Json;
import dev.parley.events.StreamKey;
import dev.parley.events.payload.Typing;
import dev.parley.platform.identity.Caller;
import dev.parley.platform.kafka.ParleyKafka;
import dev.parley.platform.problem.ProblemException;
import dev.parley.rooms.domain.RoomRules;
import dev.parley.rooms.repository.AgentNameRepository;
import dev.parley.rooms.repository.MemberRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

/**
 * {@code POST /api/agent-rooms/{id}/typing} (ADR 0048): the same ephemeral {@code typing} {@code {"ref","name"}} a
 * WebSocket {@code typing} op on {@code room:<id>} publishes — to {@code parley.ephemeral.v1}, key
 * {@code <tenant>/room:<id>}, header {@code parley-origin} = the typist (so the gateway does not echo it to them) —
 * for clients that only have SSE and for agents. Nothing is stored.
 */
@ApplicationScoped
public class TypingService {

    private final RoomService rooms;
    private final MemberRepository members;
    private final Payloads payloads;
    private final ParleyKafka kafka;
    private final AgentNameRepository agentNames;

    public TypingService(RoomService rooms, MemberRepository members, Payloads payloads, ParleyKafka kafka,
                         AgentNameRepository agentNames) {
        this.agentNames = agentNames;
        this.rooms = rooms;
        this.members = members;
        this.payloads = payloads;
        this.kafka = kafka;
    }

    /**
     * A human types as themselves (naming {@code as} → 400); an app token names {@code as}, an agent of its app
     * (missing or not a slug → 400). The room must be visible to the caller (404), and an app's agent must itself be
     * a member (403 {@code room.agent_not_member} when only another agent of the app is).
     */
    public Uni<Void> typing(Caller caller, UUID roomId, Requests.Typing request) {
        String as = request == null ? null : request.as();
        String ref;
        if (caller.isApp()) {
            if (as == null || as.isEmpty()) {
                throw ProblemException.invalid("an app token must name its agent in 'as'");
            }
            ref = caller.agentRef(RoomRules.agentSlug(as));
        } else {
            if (as != null) {
                throw ProblemException.invalid("'as' is for app tokens; a person types as themselves");
            }
            ref = caller.userRef();
        }
        return Panache.withSession(() -> rooms.visible(caller, roomId)
                        // a human who sees the room is a member; an app sees it through any of its agents
                        .chain(() -> caller.isApp() ? members.agentsAnd(roomId, List.of(ref))
                                : Uni.createFrom().item(List.of(ref)))
                        .chain(refs -> {
                            if (!refs.contains(ref)) {
                                throw ProblemException.forbidden(RoomErrors.AGENT_NOT_MEMBER,
                                        ref + " is not a member of this room");
                            }
                            return caller.isHuman() ? Uni.createFrom().item(caller.name())
                                    : agentNames.of(caller.tenant(), List.of(ref))
                                            .map(names -> payloads.displayName(caller.tenant(), ref, names));
                        }))
                .chain(name -> publish(caller, roomId, ref, name));
    }

    private Uni<Void> publish(Caller caller, UUID roomId, String ref, String name) {
        StreamKey key = RoomService.streamKey(caller.tenant(), roomId);
        Envelope envelope = Envelope.ephemeral(key.name().wire(), EventTypes.TYPING,
                Instant.now().truncatedTo(ChronoUnit.MILLIS), new Typing(ref, name));
        return kafka.send(kafka.topicNames().ephemeral(), key.value(), EventTypes.TYPING, null, ref, Json.bytes(envelope))
                .onFailure().transform(e -> ProblemException.unavailable("the event broker is unreachable", 5))
                .replaceWithVoid();
    }
}
