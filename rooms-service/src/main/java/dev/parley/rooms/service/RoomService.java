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
import java.util.function.Function;

/**
 * Rooms and their membership. Every write is one transaction: the room row is locked (writes to one room are
 * serialized), the state changes, and the event is appended to {@code <tenant>/room:<id>} in the same transaction.
 */
@ApplicationScoped
public class RoomService {

    static final String CREATE_ROUTE = "POST /api/agent-rooms";

    private final RoomRepository rooms;
    private final MemberRepository members;
    private final StreamLog log;
    private final Idempotency idempotency;
    private final Payloads payloads;
    private final RoomsConfig config;
    private final RoomsMetrics metrics;

    public RoomService(RoomRepository rooms, MemberRepository members, StreamLog log, Idempotency idempotency,
                       Payloads payloads, RoomsConfig config, RoomsMetrics metrics) {
        this.rooms = rooms;
        this.members = members;
        this.log = log;
        this.idempotency = idempotency;
        this.payloads = payloads;
        this.config = config;
        this.metrics = metrics;
    }

    /** A room with its current members, as loaded inside a session or transaction. */
    public record Loaded(RoomEntity room, List<MemberEntity> members) {
        public List<String> refs() {
            return members.stream().map(m -> m.ref).toList();
        }
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
                        room.members().forEach(m -> metrics.memberAdded(m.kind()));
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
        List<MemberEntity> roster = new ArrayList<>();
        for (String ref : initial) {
            roster.add(member(room.id, ref, caller.userRef(), now));
        }
        StreamKey key = streamKey(room);
        return rooms.persist(room)
                .chain(() -> members.persist(roster))
                .chain(() -> sequentially(roster, m -> log.append(key, EventTypes.MEMBER_ADDED,
                        seq -> payloads.member(room.tenant, m), caller.userRef()).replaceWithVoid()))
                .map(ignored -> payloads.room(room, roster));
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
                    return members.ofRooms(found.stream().map(r -> r.id).toList()).map(all -> {
                        Map<UUID, List<MemberEntity>> byRoom = new LinkedHashMap<>();
                        all.forEach(m -> byRoom.computeIfAbsent(m.roomId, k -> new ArrayList<>()).add(m));
                        return new Items<>(found.stream()
                                .map(r -> payloads.room(r, byRoom.getOrDefault(r.id, List.of()))).toList());
                    });
                }));
    }

    public Uni<Room> get(Caller caller, UUID id) {
        return Panache.withSession(() -> visible(caller, id, false))
                .map(loaded -> payloads.room(loaded.room(), loaded.members()));
    }

    /** Rooms are never deleted: 405 to whoever can see the room, 404 to anyone else. */
    public Uni<Void> delete(Caller caller, UUID id) {
        return Panache.withSession(() -> visible(caller, id, false)).map(loaded -> {
            throw ProblemException.methodNotAllowed("rooms are never deleted");
        });
    }

    /**
     * Loads the room and its members and checks the caller may see it (404 otherwise). With {@code lock}, the room
     * row stays locked until the transaction ends.
     */
    public Uni<Loaded> visible(Caller caller, UUID id, boolean lock) {
        return (lock ? rooms.findForUpdate(caller.tenant(), id) : rooms.find(caller.tenant(), id)).chain(room -> {
            if (room == null) {
                return Uni.createFrom().failure(RoomErrors.roomNotFound());
            }
            return members.ofRoom(room.id).map(list -> {
                Loaded loaded = new Loaded(room, list);
                if (!RoomAccess.canSee(caller, loaded.refs())) {
                    throw RoomErrors.roomNotFound();
                }
                return loaded;
            });
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
        return Panache.withTransaction(() -> visible(caller, id, true).chain(loaded -> {
            if (caller.isApp()) {
                throw RoomErrors.agentsCannotManage();
            }
            for (MemberEntity existing : loaded.members()) {
                if (existing.ref.equals(ref)) {
                    return Uni.createFrom().item(new Added(payloads.member(loaded.room().tenant, existing), false));
                }
            }
            RoomRules.checkMemberCount(loaded.members().size() + 1, config.memberLimit(caller.tenant()));
            MemberEntity member = member(loaded.room().id, ref, caller.userRef(),
                    Instant.now().truncatedTo(ChronoUnit.MICROS));
            RoomMember payload = payloads.member(loaded.room().tenant, member);
            return members.persist(member)
                    .chain(() -> log.append(streamKey(loaded.room()), EventTypes.MEMBER_ADDED, seq -> payload,
                            caller.userRef()))
                    .replaceWith(new Added(payload, true));
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
        return Panache.withTransaction(() -> visible(caller, id, true).chain(loaded -> {
            if (caller.isApp()) {
                throw RoomErrors.agentsCannotManage();
            }
            MemberEntity existing = loaded.members().stream().filter(m -> m.ref.equals(ref)).findFirst().orElse(null);
            if (existing == null) {
                return Uni.createFrom().item(false);
            }
            RoomMember payload = payloads.member(loaded.room().tenant, existing);
            removedKind.set(existing.kind);
            return members.removeMember(loaded.room().id, ref)
                    .chain(() -> log.append(streamKey(loaded.room()), EventTypes.MEMBER_REMOVED, seq -> payload,
                            caller.userRef()))
                    .replaceWith(true);
        })).invoke(removed -> {
            if (removed) {
                metrics.memberRemoved(removedKind.get());
            }
        });
    }

    // ---------------------------------------------------------------------------------------------- helpers

    static StreamKey streamKey(RoomEntity room) {
        return StreamKey.of(room.tenant, StreamName.room(room.id));
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

    /** Runs one Uni per item, each after the previous one completes (one reactive session: never in parallel). */
    static <T> Uni<Void> sequentially(List<T> items, Function<T, Uni<Void>> step) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (T item : items) {
            chain = chain.chain(() -> step.apply(item));
        }
        return chain;
    }

    static Response json(int status, Object body) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(body).build();
    }
}
