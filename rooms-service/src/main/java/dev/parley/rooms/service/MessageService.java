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
import dev.parley.rooms.repository.MessageEntity;
import dev.parley.rooms.repository.MessageRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
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
    private final MessageRepository messages;
    private final StreamLog log;
    private final Idempotency idempotency;
    private final Payloads payloads;
    private final RoomsConfig config;
    private final RoomsMetrics metrics;
    private final SafeMarkdown markdown = new SafeMarkdown();

    public MessageService(RoomService rooms, MessageRepository messages, StreamLog log, Idempotency idempotency,
                          Payloads payloads, RoomsConfig config, RoomsMetrics metrics) {
        this.rooms = rooms;
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
        String route = "POST /api/agent-rooms/" + roomId + "/messages";
        AtomicReference<Posted> posted = new AtomicReference<>();
        return Panache.withTransaction(() -> rooms.visible(caller, roomId, true).chain(loaded -> {
                    List<String> refs = loaded.refs();
                    if (!refs.contains(sender)) {
                        // the app sees the room through another of its agents: 403; a human non-member never gets here
                        throw ProblemException.forbidden(RoomErrors.AGENT_NOT_MEMBER,
                                sender + " is not a member of this room");
                    }
                    String content = RoomRules.content(request.content(), config.messageMaxChars());
                    JsonNode metadata = RoomRules.metadata(request.metadata(), config.metadataMaxBytes());
                    return idempotency.create(caller, route, idempotencyKey, request, () -> {
                        SafeMarkdown.Rendered rendered = markdown.render(content);
                        List<String> routes = Routing.routes(rendered.mentions(), new HashSet<>(refs), sender,
                                config.routeLimit(caller.tenant()));
                        List<Routing.Delivery> deliveries =
                                Routing.deliveries(rendered.mentions(), routes, refs, sender);
                        MessageEntity entity = new MessageEntity();
                        entity.id = UuidV7.next();
                        entity.roomId = loaded.room().id;
                        entity.sender = sender;
                        entity.senderName = caller.isHuman() ? caller.name() : payloads.name(caller.tenant(), sender);
                        entity.content = content;
                        entity.html = rendered.html();
                        entity.mentions = Json.string(rendered.mentions());
                        entity.routes = Json.string(routes);
                        entity.metadata = metadata == null ? null : Json.string(metadata);
                        entity.createdAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
                        return log.append(RoomService.streamKey(loaded.room()), EventTypes.MESSAGE_CREATED, seq -> {
                                    entity.seq = seq;
                                    return Payloads.message(entity);
                                }, sender)
                                .chain(envelope -> messages.persist(entity))
                                .chain(() -> {
                                    RoomMessage message = Payloads.message(entity);
                                    return RoomService.sequentially(deliveries, d -> log.append(
                                                    StreamKey.inbox(caller.tenant(), d.app()), EventTypes.ROOM_MESSAGE,
                                                    seq -> new InboxDelivery(d.target(), message.roomId(), message,
                                                            d.mentioned()), sender).replaceWithVoid())
                                            .map(ignored -> {
                                                posted.set(new Posted(message, deliveries));
                                                return message;
                                            });
                                });
                    });
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

    public Uni<Page<RoomMessage>> page(Caller caller, UUID roomId, String before, String after, String limit) {
        PageRequest request = PageRequest.of(before, after, limit, config.pageMaxLimit());
        return Panache.withSession(() -> rooms.visible(caller, roomId, false).chain(loaded -> request.forward()
                        ? messages.after(roomId, request.after(), request.limit() + 1)
                        : messages.before(roomId, request.before(), request.limit() + 1)))
                .map(rows -> Page.of(request, rows.stream().map(Payloads::message).toList(), RoomMessage::seq));
    }
}
