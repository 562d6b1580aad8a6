package dev.parley.sessions.service;

import dev.parley.events.EventTypes;
import dev.parley.events.StreamKey;
import dev.parley.events.payload.EngineSet;
import dev.parley.events.payload.Items;
import dev.parley.events.payload.Person;
import dev.parley.events.payload.Session;
import dev.parley.events.payload.SessionMember;
import dev.parley.events.payload.Share;
import dev.parley.platform.idempotency.Idempotency;
import dev.parley.platform.identity.Caller;
import dev.parley.platform.paging.Page;
import dev.parley.platform.paging.PageRequest;
import dev.parley.platform.problem.ErrorCodes;
import dev.parley.platform.problem.ProblemException;
import dev.parley.platform.streamlog.StreamLog;
import dev.parley.sessions.config.SessionsConfig;
import dev.parley.sessions.domain.Access;
import dev.parley.sessions.domain.SessionErrors;
import dev.parley.sessions.domain.Texts;
import dev.parley.sessions.metrics.SessionsMetrics;
import dev.parley.sessions.repository.SessionRepository;
import dev.parley.sessions.repository.SessionRepository.SessionRow;
import dev.parley.sessions.repository.ShareRepository;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Sessions, membership (sharing), share records and the engine id. */
@ApplicationScoped
public class SessionService {

    private final SessionRepository repository;
    private final ShareRepository shares;
    private final Sessions sessions;
    private final TurnService turns;
    private final StreamLog log;
    private final Idempotency idempotency;
    private final SessionsConfig config;
    private final MeterRegistry registry;

    public SessionService(SessionRepository repository, ShareRepository shares, Sessions sessions, TurnService turns,
                          StreamLog log, Idempotency idempotency, SessionsConfig config, MeterRegistry registry) {
        this.repository = repository;
        this.shares = shares;
        this.sessions = sessions;
        this.turns = turns;
        this.log = log;
        this.idempotency = idempotency;
        this.config = config;
        this.registry = registry;
    }

    public Uni<Response> create(Caller caller, String title, String idempotencyKey) {
        String owner = caller.userRef();
        String clean = validTitle(title);
        return Panache.withTransaction(() -> idempotency.create(caller, "POST /api/sessions", idempotencyKey,
                Map.of("title", clean), () -> {
                    UUID id = UUID.randomUUID();
                    return repository.create(id, caller.tenant(), clean, owner, caller.name())
                            .chain(createdAt -> load(caller, id))
                            .invoke(() -> registry.counter(SessionsMetrics.CREATED).increment());
                }));
    }

    String validTitle(String title) {
        if (Texts.blank(title)) {
            throw ProblemException.invalid("title must not be blank");
        }
        String clean = title.strip();
        if (Texts.codePoints(clean) > config.titleMaxLength()) {
            throw ProblemException.limit(SessionErrors.TITLE_TOO_LONG,
                    "title is limited to " + config.titleMaxLength() + " characters");
        }
        return clean;
    }

    public Uni<Items<Session>> list(Caller caller) {
        String ref = caller.userRef();
        return Panache.withSession(() -> repository.listFor(caller.tenant(), ref)
                .chain(rows -> repository.members(rows.stream().map(SessionRow::id).toList())
                        .map(members -> new Items<>(rows.stream()
                                .map(row -> session(caller.tenant(), row, members.getOrDefault(row.id(), List.of())))
                                .toList()))));
    }

    public Uni<Session> get(Caller caller, UUID id) {
        caller.userRef();
        return Panache.withSession(() -> load(caller, id));
    }

    Uni<Session> load(Caller caller, UUID id) {
        return repository.find(id, caller.tenant(), caller.userRef())
                .map(found -> found.orElseThrow(() -> ProblemException.notFound("session")))
                .chain(row -> repository.members(List.of(id))
                        .map(members -> session(caller.tenant(), row, members.getOrDefault(id, List.of()))));
    }

    private Session session(String tenant, SessionRow row, List<SessionMember> members) {
        List<SessionMember> named = members.stream().map(m -> new SessionMember(m.ref(),
                sessions.name(tenant, m.ref(), m.name()), m.role(), m.addedBy(), m.addedAt())).toList();
        return new Session(row.id().toString(), row.title(), row.ownerRef(), named, row.engineSessionId(),
                row.createdAt(), row.role());
    }

    /**
     * Grants writer access (owner only). A new member → 201 with the member, {@code member.added} on the session
     * stream and {@code share.granted} on the recipient's me stream; an existing member → 200, nothing written.
     */
    public Uni<Response> addMember(Caller caller, UUID id, String rawRef, String idempotencyKey) {
        String ref = Sessions.userRef(rawRef);
        return Panache.withTransaction(() -> sessions.access(caller, id).chain(access -> {
            requireOwner(access);
            return repository.lock(id).chain(() -> repository.member(id, ref)).chain(existing -> {
                if (existing.isPresent()) {
                    SessionMember m = existing.get();
                    return Uni.createFrom().item(Response.ok(named(caller.tenant(), m)).type(MediaType.APPLICATION_JSON).build());
                }
                return idempotency.create(caller, "POST /api/sessions/" + id + "/members", idempotencyKey,
                        Map.of("ref", ref), () -> grant(caller, access, ref));
            });
        }));
    }

    private Uni<SessionMember> grant(Caller caller, Access access, String ref) {
        UUID id = access.sessionId();
        return repository.memberCount(id).chain(count -> {
            if (count >= config.maxMembers()) {
                throw ProblemException.limit(SessionErrors.MEMBER_LIMIT,
                        "a session has at most " + config.maxMembers() + " members");
            }
            String knownName = sessions.name(caller.tenant(), ref, null);
            return repository.addMember(id, ref, knownName, caller.userRef());
        }).chain(member -> log.append(Sessions.stream(caller.tenant(), id), EventTypes.MEMBER_ADDED,
                        seq -> member, caller.userRef())
                .chain(() -> share(caller, access, ref, Share.GRANTED))
                .replaceWith(member));
    }

    private Uni<Share> share(Caller caller, Access access, String recipient, String kind) {
        StreamKey me = StreamKey.me(caller.tenant(), recipient);
        Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Person by = new Person(caller.userRef(), caller.name());
        String type = Share.GRANTED.equals(kind) ? EventTypes.SHARE_GRANTED : EventTypes.SHARE_REVOKED;
        return log.append(me, type, seq -> new Share(seq, kind, access.sessionId().toString(), access.title(), by, at),
                        caller.userRef())
                .map(envelope -> new Share(envelope.seq(), kind, access.sessionId().toString(), access.title(), by, at))
                .call(record -> shares.insert(me.value(), record))
                .invoke(() -> registry.counter(SessionsMetrics.SHARES, "kind", kind).increment());
    }

    /**
     * Revokes a member's access (owner only): {@code member.removed} + a {@code share.revoked} tombstone on their me
     * stream; a turn they hold ends. Revoking a non-member changes nothing.
     */
    public Uni<Void> removeMember(Caller caller, UUID id, String rawRef) {
        String ref;
        try {
            ref = Sessions.userRef(rawRef);
        } catch (ProblemException e) {
            // not a person's ref: nobody to revoke, but still only the owner may ask
            return Panache.withSession(() -> sessions.access(caller, id).invoke(this::requireOwner)).replaceWithVoid();
        }
        return Panache.withTransaction(() -> sessions.access(caller, id).chain(access -> {
            requireOwner(access);
            if (ref.equals(access.ownerRef())) {
                throw ProblemException.conflict(SessionErrors.OWNER_NOT_REMOVABLE, "the owner cannot be removed");
            }
            return repository.lock(id).chain(() -> repository.member(id, ref)).chain(existing -> {
                if (existing.isEmpty()) {
                    return Uni.createFrom().voidItem();
                }
                SessionMember member = named(caller.tenant(), existing.get());
                return repository.removeMember(id, ref)
                        .chain(() -> turns.endIfHeldBy(caller.tenant(), id, ref))
                        .chain(() -> log.append(Sessions.stream(caller.tenant(), id), EventTypes.MEMBER_REMOVED,
                                seq -> member, caller.userRef()))
                        .chain(() -> share(caller, access, ref, Share.REVOKED))
                        .replaceWithVoid();
            });
        }));
    }

    private SessionMember named(String tenant, SessionMember m) {
        return new SessionMember(m.ref(), sessions.name(tenant, m.ref(), m.name()), m.role(), m.addedBy(), m.addedAt());
    }

    private void requireOwner(Access access) {
        if (!access.owner()) {
            throw ProblemException.forbidden(ErrorCodes.NOT_OWNER, "only the session's owner can share or revoke");
        }
    }

    /** The caller's share/revoke records after a seq of their me stream (kept beyond the stream's 30 days). */
    public Uni<Page<Share>> shares(Caller caller, String after, String limit) {
        String ref = caller.userRef();
        PageRequest request = PageRequest.of(null, after == null || after.isEmpty() ? "0" : after, limit);
        return Panache.withSession(() -> shares.after(StreamKey.me(caller.tenant(), ref).value(), request.after(),
                        request.limit() + 1))
                .map(rows -> Page.of(request, rows, Share::seq));
    }

    /**
     * Sets the shared engine id once: the same value again → 200 (PUT is idempotent); another value → 409
     * {@code engine.already_set} carrying the stored one.
     */
    public Uni<EngineSet> setEngine(Caller caller, UUID id, String engineSessionId) {
        if (Texts.blank(engineSessionId) || engineSessionId.length() > 200) {
            throw ProblemException.invalid("engineSessionId must be 1-200 characters");
        }
        return Panache.withTransaction(() -> sessions.access(caller, id).chain(access ->
                repository.lock(id).chain(() -> repository.setEngineIfAbsent(id, engineSessionId)).chain(stored -> {
                    if (!stored.equals(engineSessionId)) {
                        throw ProblemException.conflict(ErrorCodes.ENGINE_ALREADY_SET,
                                "this session's engine id is set already", Map.of("engineSessionId", stored));
                    }
                    if (engineSessionId.equals(access.engineSessionId())) {
                        return Uni.createFrom().item(new EngineSet(stored));
                    }
                    return log.append(Sessions.stream(caller.tenant(), id), EventTypes.ENGINE_SET,
                            seq -> new EngineSet(stored), caller.userRef()).replaceWith(new EngineSet(stored));
                })));
    }
}
