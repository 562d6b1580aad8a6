package dev.parley.rooms.service;

import dev.parley.events.EventTypes;
import dev.parley.events.MemberRef;
import dev.parley.events.StreamKey;
import dev.parley.events.StreamName;
import dev.parley.events.payload.Items;
import dev.parley.events.payload.Room;
import dev.parley.events.payload.RoomMember;
import dev.parley.platform.identity.Caller;
import dev.parley.platform.idempotency.Idempotency;
import dev.parley.platform.problem.ErrorCodes;
import dev.parley.platform.problem.ProblemException;
import dev.parley.platform.streamlog.StreamLog;
import dev.parley.rooms.config.RoomsConfig;
import dev.parley.rooms.domain.RoomAccess;
import dev.parley.rooms.domain.RoomRules;
import dev.parley.rooms.domain.UuidV7;
import dev.parley.rooms.metrics.RoomsMetrics;
import dev.parley.rooms.repository.AgentNameRepository;
import dev.parley.rooms.repository.MemberEntity;
import dev.parley.rooms.repository.MemberRepository;
import dev.parley.rooms.repository.RoomEntity;
import dev.parley.rooms.repository.RoomRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * Rooms and their membership. Every write is one transaction: the room row is locked (writes to one room are
 * serialized), the state changes, and the event is appended to {@code <tenant>/room:<id>} in the same transaction.
 */
@ApplicationScoped
public class RoomService {

    static final String CREATE_ROUTE = "POST /api/agent-rooms";

    /** Longest agent display name, in code points (a chat client's name column). */
    static final int AGENT_NAME_MAX_CHARS = 80;

    private final RoomRepository rooms;
    private final MemberRepository members;
    private final StreamLog log;
    private final Idempotency idempotency;
    private final Payloads payloads;
    private final RoomsConfig config;
    private final RoomsMetrics metrics;
    private final AgentNameRepository agentNames;

    public RoomService(RoomRepository rooms, MemberRepository members, StreamLog log, Idempotency idempotency,
                       Payloads payloads, RoomsConfig config, RoomsMetrics metrics, AgentNameRepository agentNames) {
        this.agentNames = agentNames;
        this.rooms = rooms;
        this.members = members;
        this.log = log;
        this.idempotency = idempotency;
        this.payloads = payloads;
        this.config = config;
        this.metrics = metrics;
    }

    // ---------------------------------------------------------------------------------------------- create

    public Uni<Response> create(Caller caller, Requests.CreateRoom request, String idempotencyKey) {
        if (caller.isApp()) {
            throw RoomErrors.agentsCannotManage();
        }
        if (request == null) {
            throw ProblemException.badRequest(ErrorCodes.BODY_REQUIRED, "a body is required");
        }
        String name = RoomRules.name(request.name());
        String description = RoomRules.description(request.description(), config.descriptionMaxChars());
        List<String> initial = RoomRules.initialMembers(caller.userRef(), request.members());
        RoomRules.checkMemberCount(initial.size(), config.memberLimit(caller.tenant()));
        AtomicReference<Room> created = new AtomicReference<>();
        return Panache.withTransaction(() -> idempotency.create(caller, CREATE_ROUTE, idempotencyKey, request,
                        () -> rooms.nameTaken(caller.tenant(), name).chain(taken -> {
                            if (taken) {
                                throw nameTaken(name);
                            }
                            return insert(caller, name, description, initial);
                        }).invoke(created::set)))
                .onFailure(RoomService::isNameConflict).transform(e -> nameTaken(name))
                .invoke(() -> {
                    Room room = created.get();
                    if (room != null) {
                        metrics.roomCreated();
                        room.members().stream().collect(Collectors.groupingBy(RoomMember::kind, Collectors.counting()))
                                .forEach(metrics::membersAdded);
                    }
                });
    }

    private Uni<Room> insert(Caller caller, String name, String description, List<String> initial) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        RoomEntity room = new RoomEntity();
        room.id = UuidV7.next();
        room.tenant = caller.tenant();
        room.name = name;
        room.description = description;
        room.createdBy = caller.userRef();
        room.createdAt = now;
        List<MemberEntity> roster = new ArrayList<>(initial.size());
        for (String ref : initial) {
            roster.add(member(room.id, ref, caller.userRef(), now));
        }
        StreamKey key = streamKey(room);
        return agentNames.of(room.tenant, Payloads.agentRefs(roster)).chain(names -> {
            List<RoomMember> payloads = roster.stream().map(m -> this.payloads.member(room.tenant, m, names)).toList();
            List<StreamLog.Event> events = payloads.stream()
                    .map(m -> StreamLog.Event.of(key, EventTypes.MEMBER_ADDED, m, caller.userRef())).toList();
            return rooms.insert(room)
                    .chain(() -> members.insert(room.id, roster))
                    .chain(() -> log.append(events))
                    .map(ignored -> new Room(room.id.toString(), room.name, room.description, payloads,
                            room.createdBy, room.createdAt));
        });
    }

    private static ProblemException nameTaken(String name) {
        return ProblemException.conflict(ErrorCodes.ROOM_NAME_TAKEN, "a room named '" + name + "' exists",
                Map.of("name", name));
    }

    /** A concurrent create of the same name lost the race on the unique constraint. */
    static boolean isNameConflict(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = t.getMessage();
            if (message != null && message.contains("rooms_tenant_name_key")) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------------------------------------- reads

    public Uni<Items<Room>> list(Caller caller) {
        return Panache.withSession(() -> (caller.isHuman()
                ? rooms.withMember(caller.tenant(), caller.userRef())
                : rooms.withAgentOf(caller.tenant(), caller.appId()))
                .chain(found -> {
                    if (found.isEmpty()) {
                        return Uni.createFrom().item(new Items<>(List.<Room>of()));
                    }
                    return members.ofRooms(found.stream().map(r -> r.id).toList()).chain(all -> agentNames
                            .of(caller.tenant(), Payloads.agentRefs(all)).map(names -> {
                                Map<UUID, List<MemberEntity>> byRoom = new LinkedHashMap<>();
                                all.forEach(m -> byRoom.computeIfAbsent(m.roomId, k -> new ArrayList<>()).add(m));
                                return new Items<>(found.stream()
                                        .map(r -> payloads.room(r, byRoom.getOrDefault(r.id, List.of()), names))
                                        .toList());
                            }));
                }));
    }

    public Uni<Room> get(Caller caller, UUID id) {
        return Panache.withSession(() -> rooms.find(caller.tenant(), id).chain(room -> {
            if (room == null) {
                throw RoomErrors.roomNotFound();
            }
            return members.ofRoom(id).chain(list -> {
                if (!RoomAccess.canSee(caller, list.stream().map(m -> m.ref).toList())) {
                    throw RoomErrors.roomNotFound();
                }
                return agentNames.of(caller.tenant(), Payloads.agentRefs(list))
                        .map(names -> payloads.room(room, list, names));
            });
        }));
    }

    /** Rooms are never deleted: 405 to whoever can see the room, 404 to anyone else. */
    public Uni<Void> delete(Caller caller, UUID id) {
        return Panache.withSession(() -> visible(caller, id)).map(ignored -> {
            throw ProblemException.methodNotAllowed("rooms are never deleted");
        });
    }

    /**
     * Checks the caller may see the room — a human member, or an app with an agent in it — by one index lookup (404
     * otherwise). Call inside a session.
     */
    public Uni<Void> visible(Caller caller, UUID id) {
        return (caller.isHuman()
                ? rooms.hasMember(caller.tenant(), id, caller.userRef())
                : rooms.hasAgentOf(caller.tenant(), id, caller.appId()))
                .map(visible -> {
                    if (!visible) {
                        throw RoomErrors.roomNotFound();
                    }
                    return null;
                });
    }

    /**
     * Locks the room for a post (shared with other posts, exclusive of membership changes) until the transaction
     * ends; 404 when there is no such room in the caller's tenant. Call inside a transaction.
     */
    public Uni<Void> lockForPost(Caller caller, UUID id) {
        return rooms.lock(caller.tenant(), id, RoomRepository.Lock.SHARE).map(found -> {
            if (!found) {
                throw RoomErrors.roomNotFound();
            }
            return null;
        });
    }

    /**
     * Locks the room for a membership change (404 when it does not exist), then checks the caller may see it. The
     * check runs after the lock, so it reads the membership as the previous change left it.
     */
    private Uni<Void> lockedForChange(Caller caller, UUID id) {
        return rooms.lock(caller.tenant(), id, RoomRepository.Lock.UPDATE).chain(found -> {
            if (!found) {
                throw RoomErrors.roomNotFound();
            }
            return visible(caller, id);
        });
    }

    // ---------------------------------------------------------------------------------------------- membership

    /** The result of adding: the member, and whether it was new (201 + event) or already there (200, nothing). */
    public record Added(RoomMember member, boolean created) {
    }

    public Uni<Added> addMember(Caller caller, UUID id, Requests.AddMember request) {
        if (request == null) {
            throw ProblemException.badRequest(ErrorCodes.BODY_REQUIRED, "a body is required");
        }
        String ref = RoomRules.ref(request.ref());
        String name = RoomRules.agentName(request.name(), ref, AGENT_NAME_MAX_CHARS);
        return Panache.withTransaction(() -> lockedForChange(caller, id).chain(() -> {
            if (caller.isApp()) {
                throw RoomErrors.agentsCannotManage();
            }
            // a name given with the add becomes the agent's name in the tenant, also when it was already a member
            Uni<Void> named = name == null ? Uni.createFrom().voidItem() : agentNames.set(caller.tenant(), ref, name);
            return named.chain(() -> members.find(id, ref)).chain(existing -> agentNames.of(caller.tenant(),
                    MemberRef.parse(ref).isAgent() ? List.of(ref) : List.of()).chain(names -> {
                if (existing != null) {
                    return Uni.createFrom().item(new Added(payloads.member(caller.tenant(), existing, names), false));
                }
                return members.countOf(id).chain(count -> {
                    RoomRules.checkMemberCount(count.intValue() + 1, config.memberLimit(caller.tenant()));
                    MemberEntity member = member(id, ref, caller.userRef(),
                            Instant.now().truncatedTo(ChronoUnit.MICROS));
                    RoomMember payload = payloads.member(caller.tenant(), member, names);
                    return members.insert(id, List.of(member))
                            .chain(() -> log.append(streamKey(caller.tenant(), id), EventTypes.MEMBER_ADDED,
                                    seq -> payload, caller.userRef()))
                            .replaceWith(new Added(payload, true));
                });
            }));
        })).invoke(added -> {
            if (added.created()) {
                metrics.memberAdded(added.member().kind());
            }
        });
    }

    /** Removes a member (idempotent: removing a non-member changes nothing). True when someone was removed. */
    public Uni<Boolean> removeMember(Caller caller, UUID id, String rawRef) {
        String ref = RoomRules.ref(rawRef);
        AtomicReference<String> removedKind = new AtomicReference<>();
        return Panache.withTransaction(() -> lockedForChange(caller, id).chain(() -> {
            if (caller.isApp()) {
                throw RoomErrors.agentsCannotManage();
            }
            return members.find(id, ref).chain(existing -> {
                if (existing == null) {
                    return Uni.createFrom().item(false);
                }
                removedKind.set(existing.kind);
                return agentNames.of(caller.tenant(), Payloads.agentRefs(List.of(existing))).chain(names -> {
                    RoomMember payload = payloads.member(caller.tenant(), existing, names);
                    return members.removeMember(id, ref)
                            .chain(() -> log.append(streamKey(caller.tenant(), id), EventTypes.MEMBER_REMOVED,
                                    seq -> payload, caller.userRef()))
                            .replaceWith(true);
                });
            });
        })).invoke(removed -> {
            if (removed) {
                metrics.memberRemoved(removedKind.get());
            }
        });
    }

    // ---------------------------------------------------------------------------------------------- helpers

    static StreamKey streamKey(RoomEntity room) {
        return streamKey(room.tenant, room.id);
    }

    static StreamKey streamKey(String tenant, UUID id) {
        return StreamKey.of(tenant, StreamName.room(id));
    }

    private static MemberEntity member(UUID roomId, String ref, String addedBy, Instant at) {
        MemberRef parsed = MemberRef.parse(ref);
        MemberEntity m = new MemberEntity();
        m.id = UuidV7.next();
        m.roomId = roomId;
        m.ref = parsed.value();
        m.kind = parsed.kind();
        m.app = parsed.isAgent() ? parsed.app() : null;
        m.addedBy = addedBy;
        m.addedAt = at;
        return m;
    }

    static Response json(int status, Object body) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(body).build();
    }
}
