package dev.parley.rooms.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.events.EventTypes;
import dev.parley.events.Json;
import dev.parley.events.StreamKey;
import dev.parley.events.payload.InboxDelivery;
import dev.parley.events.payload.RoomMessage;
import dev.parley.platform.identity.Caller;
import dev.parley.platform.idempotency.Idempotency;
import dev.parley.platform.paging.Page;
import dev.parley.platform.paging.PageRequest;
import dev.parley.platform.problem.ErrorCodes;
import dev.parley.platform.problem.ProblemException;
import dev.parley.platform.streamlog.StreamLog;
import dev.parley.rooms.config.RoomsConfig;
import dev.parley.rooms.domain.RoomRules;
import dev.parley.rooms.domain.Routing;
import dev.parley.rooms.domain.SafeMarkdown;
import dev.parley.rooms.domain.UuidV7;
import dev.parley.rooms.metrics.RoomsMetrics;
import dev.parley.rooms.domain.RoomAccess;
import dev.parley.rooms.repository.AgentNameRepository;
import dev.parley.rooms.repository.MemberRepository;
import dev.parley.rooms.repository.MessageEntity;
import dev.parley.rooms.repository.MessageRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Room messages: posting (mentions, routes, safe HTML, the {@code message.created} event and the agents' inbox
 * deliveries, all in one transaction) and back-scroll.
 */
@ApplicationScoped
public class MessageService {

    private final RoomService rooms;
    private final MemberRepository members;
    private final MessageRepository messages;
    private final StreamLog log;
    private final Idempotency idempotency;
    private final Payloads payloads;
    private final RoomsConfig config;
    private final RoomsMetrics metrics;
    private final SafeMarkdown markdown = new SafeMarkdown();
    private final AgentNameRepository agentNames;

    public MessageService(RoomService rooms, MemberRepository members, MessageRepository messages, StreamLog log,
                          Idempotency idempotency, Payloads payloads, RoomsConfig config, RoomsMetrics metrics,
                          AgentNameRepository agentNames) {
        this.agentNames = agentNames;
        this.rooms = rooms;
        this.members = members;
        this.messages = messages;
        this.log = log;
        this.idempotency = idempotency;
        this.payloads = payloads;
        this.config = config;
        this.metrics = metrics;
    }

    /** What a post did, for metrics after the commit. */
    private record Posted(RoomMessage message, List<Routing.Delivery> deliveries) {
    }

    public Uni<Response> post(Caller caller, UUID roomId, Requests.PostMessage request, String idempotencyKey) {
        if (request == null) {
            throw ProblemException.badRequest(ErrorCodes.BODY_REQUIRED, "a body is required");
        }
        String sender;
        if (caller.isApp()) {
            if (request.fromAgent() == null || request.fromAgent().isEmpty()) {
                throw ProblemException.badRequest(ErrorCodes.FROM_AGENT_REQUIRED,
                        "an app token must name fromAgent, the agent it posts as");
            }
            sender = caller.agentRef(RoomRules.agentSlug(request.fromAgent()));
        } else {
            if (request.fromAgent() != null) {
                throw ProblemException.invalid("fromAgent is for app tokens; a person posts as themselves");
            }
            sender = caller.userRef();
        }
        Draft draft = draft(request);
        // the members this post depends on: the sender, the mentioned people (agents are all read anyway)
        Set<String> lookups = new LinkedHashSet<>();
        lookups.add(sender);
        lookups.addAll(draft.mentions());
        String route = "POST /api/agent-rooms/" + roomId + "/messages";
        AtomicReference<Posted> posted = new AtomicReference<>();
        return Panache.withTransaction(() -> rooms.lockForPost(caller, roomId)
                        .chain(() -> members.agentsAnd(roomId, lookups))
                        .chain(refs -> {
                            if (!RoomAccess.canSee(caller, refs)) {
                                throw RoomErrors.roomNotFound();
                            }
                            if (!refs.contains(sender)) {
                                // the app sees the room through another of its agents
                                throw ProblemException.forbidden(RoomErrors.AGENT_NOT_MEMBER,
                                        sender + " is not a member of this room");
                            }
                            if (draft.invalid() != null) {
                                throw draft.invalid();
                            }
                            return idempotency.create(caller, route, idempotencyKey, request,
                                    () -> insert(caller, roomId, sender, draft, refs).invoke(posted::set)
                                            .map(Posted::message));
                        }))
                .invoke(() -> {
                    Posted done = posted.get();
                    if (done != null) {
                        metrics.messagePosted(caller.isApp() ? "agent" : "user", done.message().routes().size());
                        long mentioned = done.deliveries().stream().filter(Routing.Delivery::mentioned).count();
                        metrics.delivered(true, (int) mentioned);
                        metrics.delivered(false, done.deliveries().size() - (int) mentioned);
                    }
                });
    }

    /**
     * A post's content checked and rendered before any database work (pure CPU, so no connection waits for it and no
     * lock is held meanwhile); a violation is kept and raised after the access checks (API order: 404, 403, then
     * 400/422).
     */
    private record Draft(String content, JsonNode metadata, SafeMarkdown.Rendered rendered, ProblemException invalid) {
        List<String> mentions() {
            return rendered == null ? List.of() : rendered.mentions();
        }
    }

    private Draft draft(Requests.PostMessage request) {
        try {
            String content = RoomRules.content(request.content(), config.messageMaxChars());
            JsonNode metadata = RoomRules.metadata(request.metadata(), config.metadataMaxBytes());
            return new Draft(content, metadata, markdown.render(content), null);
        } catch (ProblemException e) {
            return new Draft(null, null, null, e);
        }
    }

    /**
     * The message row and its events: {@code message.created} on the room's stream and one {@code room.message} per
     * delivered agent on its app's inbox, appended together (the heads of the room and of those inboxes are locked
     * from here to the commit: the only per-stream serialization of a post).
     *
     * @param members the room's agents and the sender/mentioned members, in roster order
     */
    private Uni<Posted> insert(Caller caller, UUID roomId, String sender, Draft draft, List<String> members) {
        if (caller.isHuman()) {
            return insert(caller, roomId, sender, draft, members, null);
        }
        return agentNames.of(caller.tenant(), List.of(sender)).chain(names ->
                insert(caller, roomId, sender, draft, members, payloads.displayName(caller.tenant(), sender, names)));
    }

    /** @param agentName the sending agent's display name (null for a human, who is shown by the token's name) */
    private Uni<Posted> insert(Caller caller, UUID roomId, String sender, Draft draft, List<String> members,
                               String agentName) {
        List<String> mentions = draft.rendered().mentions();
        List<String> routes = Routing.routes(mentions, new HashSet<>(members), sender,
                config.routeLimit(caller.tenant()));
        List<Routing.Delivery> deliveries = Routing.deliveries(mentions, routes, members, sender);
        MessageEntity entity = new MessageEntity();
        entity.id = UuidV7.next();
        entity.roomId = roomId;
        entity.sender = sender;
        entity.senderName = caller.isHuman() ? caller.name() : agentName;
        entity.content = draft.content();
        entity.html = draft.rendered().html();
        entity.mentions = Json.string(mentions);
        entity.routes = Json.string(routes);
        entity.metadata = draft.metadata() == null ? null : Json.string(draft.metadata());
        entity.createdAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        AtomicReference<RoomMessage> message = new AtomicReference<>();
        List<StreamLog.Event> events = new ArrayList<>(1 + deliveries.size());
        // the message's own event first: its data fixes the seq every delivery then carries
        events.add(new StreamLog.Event(RoomService.streamKey(caller.tenant(), roomId), EventTypes.MESSAGE_CREATED,
                seq -> {
                    entity.seq = seq;
                    message.set(new RoomMessage(entity.id.toString(), seq, roomId.toString(), sender,
                            entity.senderName, entity.content, entity.html, mentions, routes, draft.metadata(),
                            entity.createdAt));
                    return message.get();
                }, sender));
        for (Routing.Delivery d : deliveries) {
            events.add(new StreamLog.Event(StreamKey.inbox(caller.tenant(), d.app()), EventTypes.ROOM_MESSAGE,
                    seq -> new InboxDelivery(d.target(), roomId.toString(), message.get(), d.mentioned()), sender));
        }
        return log.append(events)
                .chain(() -> messages.insert(entity))
                .map(ignored -> new Posted(message.get(), deliveries));
    }

    public Uni<Page<RoomMessage>> page(Caller caller, UUID roomId, String before, String after, String limit) {
        PageRequest request = PageRequest.of(before, after, limit, config.pageMaxLimit());
        return Panache.withSession(() -> rooms.visible(caller, roomId).chain(() -> request.forward()
                        ? messages.after(roomId, request.after(), request.limit() + 1)
                        : messages.before(roomId, request.before(), request.limit() + 1)))
                .map(rows -> Page.of(request, rows.stream().map(Payloads::message).toList(), RoomMessage::seq));
    }
}
