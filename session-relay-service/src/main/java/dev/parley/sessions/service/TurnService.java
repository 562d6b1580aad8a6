package dev.parley.sessions.service;

import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.events.Json;
import dev.parley.events.payload.LiveSnapshot;
import dev.parley.events.EventTypes;
import dev.parley.events.payload.Person;
import dev.parley.events.payload.Turn;
import dev.parley.platform.identity.Caller;
import dev.parley.platform.problem.ErrorCodes;
import dev.parley.platform.problem.ProblemException;
import dev.parley.platform.streamlog.StreamLog;
import dev.parley.sessions.config.SessionsConfig;
import dev.parley.sessions.domain.CancelRequest;
import dev.parley.sessions.domain.LockState;
import dev.parley.sessions.domain.SessionErrors;
import dev.parley.sessions.domain.TurnLock;
import dev.parley.sessions.metrics.SessionsMetrics;
import dev.parley.sessions.repository.TurnRepository;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The turn-lock with fencing (contract §6), decided by PostgreSQL: every decision reads the session's lock row
 * {@code FOR UPDATE} (acquire, heartbeat, release, sweep) or {@code FOR SHARE} (a fenced write), so concurrent
 * callers on any number of replicas are serialised by the row lock and judged by one clock, the database's.
 */
@ApplicationScoped
public class TurnService {

    private static final Logger LOG = Logger.getLogger(TurnService.class);

    private final TurnRepository repository;
    private final Sessions sessions;
    private final LiveService live;
    private final StreamLog log;
    private final SessionsConfig config;
    private final MeterRegistry registry;

    public TurnService(TurnRepository repository, Sessions sessions, LiveService live, StreamLog log,
                       SessionsConfig config, MeterRegistry registry) {
        this.repository = repository;
        this.sessions = sessions;
        this.live = live;
        this.log = log;
        this.config = config;
        this.registry = registry;
    }

    /** The outcome of an acquire: the grant, and whether it is new (201 + turn.started) or a retry of the caller's. */
    public record Acquired(Turn turn, boolean created) {
    }

    public Uni<Acquired> acquire(Caller caller, UUID id, String turnId) {
        String ref = caller.userRef();
        return Panache.withTransaction(() -> sessions.access(caller, id)
                .chain(access -> repository.lockForUpdate(id).chain(state -> {
                    TurnLock.Decision decision = TurnLock.acquire(state, ref, turnId);
                    if (decision instanceof TurnLock.Held held) {
                        registry.counter(SessionsMetrics.TURNS_HELD).increment();
                        Map<String, Object> ext = new LinkedHashMap<>();
                        ext.put("holder", new Person(held.holderRef(), held.holderName()));
                        ext.put("since", held.since());
                        throw ProblemException.conflict(ErrorCodes.TURN_HELD,
                                held.holderName() + " is responding", ext);
                    }
                    if (decision instanceof TurnLock.Already) {
                        return Uni.createFrom().item(new Acquired(new Turn(state.turnId(),
                                new Person(state.holderRef(), state.holderName()), state.fencingToken(),
                                state.expiresAt()), false));
                    }
                    TurnLock.Grant grant = (TurnLock.Grant) decision;
                    Uni<Void> endPrevious = grant.endsExpired()
                            ? end(caller.tenant(), id, state, "expired") : Uni.createFrom().voidItem();
                    return endPrevious
                            .chain(() -> repository.grant(id, grant.fencingToken(), ref, caller.name(), turnId,
                                    config.turnLockTtl()))
                            .chain(times -> {
                                Turn turn = new Turn(turnId, new Person(ref, caller.name()), grant.fencingToken(), times[1]);
                                return log.append(Sessions.stream(caller.tenant(), id), EventTypes.TURN_STARTED,
                                        seq -> turn, ref).replaceWith(new Acquired(turn, true));
                            })
                            .invoke(() -> registry.counter(SessionsMetrics.TURNS_STARTED).increment());
                })));
    }

    /** Extends the caller's live grant by the ttl; anyone else (or an expired holder) → 403 turn.not_holder. */
    public Uni<Turn> heartbeat(Caller caller, UUID id) {
        String ref = caller.userRef();
        return Panache.withTransaction(() -> sessions.access(caller, id)
                .chain(access -> repository.lockForUpdate(id).chain(state -> {
                    if (!state.heldBy(ref)) {
                        throw notHolder();
                    }
                    return repository.extend(id, config.turnLockTtl()).map(expires -> new Turn(state.turnId(),
                            new Person(state.holderRef(), state.holderName()), state.fencingToken(), expires));
                })));
    }

    /**
     * Releases the caller's grant ({@code turn.ended}). Held by someone else → 403 turn.not_holder; not held at all
     * → nothing to do (an expired grant of the caller is ended now if the sweeper has not yet).
     */
    public Uni<Void> release(Caller caller, UUID id) {
        String ref = caller.userRef();
        return Panache.withTransaction(() -> sessions.access(caller, id)
                .chain(access -> repository.lockForUpdate(id).chain(state -> {
                    if (state.held() && !state.heldBy(ref)) {
                        throw notHolder();
                    }
                    if (state.heldBy(ref)) {
                        return end(caller.tenant(), id, state, "released");
                    }
                    if (state.expiredUnreleased()) {
                        return end(caller.tenant(), id, state, "expired");
                    }
                    return Uni.createFrom().voidItem();
                })));
    }

    /**
     * Checks a write's fencing token inside the writer's transaction (row lock {@code FOR SHARE}: no grant can
     * change until the write commits). No token → unfenced write.
     */
    public Uni<Void> fence(UUID id, Long token, String callerRef) {
        if (token == null) {
            return Uni.createFrom().voidItem();
        }
        return repository.lockForShare(id).map(state -> {
            switch (TurnLock.fence(state, token, callerRef)) {
                case FENCED -> {
                    registry.counter(SessionsMetrics.TURNS_FENCED).increment();
                    throw fenced(token, state.fencingToken());
                }
                case NOT_HOLDER -> throw notHolder();
                default -> {
                    return null;
                }
            }
        }).replaceWithVoid();
    }

    /**
     * A member asks the holder to stop the current turn (contract §6, ADR 0056): {@code turn.cancel_requested} on the
     * session stream and a deadline of {@code cancel-grace} by the database clock, after which the sweep ends the turn
     * itself if it is still held. 409 {@code turn.not_running} when {@code turnId} is not the live grant's. Asking again
     * for a turn already asked to stop changes nothing (no second event, the first deadline stays).
     */
    public Uni<Void> cancel(Caller caller, UUID id, String turnId, String reason) {
        String ref = caller.userRef();
        return Panache.withTransaction(() -> sessions.access(caller, id)
                .chain(access -> repository.lockForUpdate(id).chain(state -> {
                    if (!state.held() || !state.turnId().equals(turnId)) {
                        throw ProblemException.conflict(SessionErrors.TURN_NOT_RUNNING,
                                "turn " + turnId + " is not the session's running turn");
                    }
                    if (state.cancelRequested()) {
                        return Uni.createFrom().voidItem();
                    }
                    CancelRequest request = new CancelRequest(turnId, new CancelRequest.Who(ref, caller.name()),
                            reason);
                    return repository.requestCancel(id, ref, caller.name(), config.cancelGrace())
                            .chain(() -> log.append(Sessions.stream(caller.tenant(), id),
                                    EventTypes.TURN_CANCEL_REQUESTED, seq -> request, ref))
                            .invoke(() -> registry.counter(SessionsMetrics.TURNS_CANCEL_REQUESTED).increment())
                            .replaceWithVoid();
                })));
    }

    /** Ends a revoked member's grant (inside the revoke's transaction). */
    public Uni<Void> endIfHeldBy(String tenant, UUID id, String ref) {
        return repository.lockForUpdate(id).chain(state -> state.holderRef() != null && state.holderRef().equals(ref)
                ? end(tenant, id, state, "revoked") : Uni.createFrom().voidItem());
    }

    /**
     * Clears the grant and writes {@code turn.ended} carrying the turn's final live snapshot (null if it has none).
     * A turn a member asked to stop ends with {@code "cancelledBy"} in that snapshot; one the server ends after the
     * cancel grace (reason {@code cancelled}) also reads {@code "status": "cancelled"}, in the stored snapshot too.
     */
    private Uni<Void> end(String tenant, UUID id, LockState state, String reason) {
        boolean serverCancels = "cancelled".equals(reason);
        Uni<Void> mark = serverCancels ? repository.markLiveCancelled(id, state.turnId()) : Uni.createFrom().voidItem();
        return mark.chain(() -> live.snapshot(id)).chain(snapshot -> {
            Optional<LiveSnapshot> own = snapshot.filter(s -> s.turnId().equals(state.turnId()));
            Object data = ended(state, own, serverCancels);
            return repository.clear(id)
                    .chain(() -> log.append(Sessions.stream(tenant, id), EventTypes.TURN_ENDED, seq -> data,
                            state.holderRef()))
                    .invoke(() -> {
                        registry.counter(SessionsMetrics.TURNS_ENDED, "reason", reason).increment();
                        if ("expired".equals(reason)) {
                            registry.counter(SessionsMetrics.TURNS_EXPIRED).increment();
                        }
                    })
                    .replaceWithVoid();
        });
    }

    /** The data of {@code turn.ended}: the snapshot as it stood, with who cancelled it when someone asked. */
    private static Object ended(LockState state, Optional<LiveSnapshot> own, boolean serverCancels) {
        if (state.cancelByRef() == null) {
            return own.<Object>map(s -> s).orElse(NullNode.getInstance());
        }
        LiveSnapshot snapshot = own.orElseGet(() -> new LiveSnapshot(state.turnId(), "cancelled", "", "", List.of(),
                state.holderRef(), state.now().truncatedTo(ChronoUnit.MILLIS), false));
        ObjectNode node = Json.MAPPER.valueToTree(snapshot);
        if (serverCancels) {
            node.put("status", "cancelled");
            node.put("stale", false);
        }
        node.set("cancelledBy", Json.MAPPER.valueToTree(new Person(state.cancelByRef(), state.cancelByName())));
        return node;
    }

    /**
     * Ends grants that expired without a release, so members see {@code turn.ended} even when nobody acquires, and
     * turns asked to stop that are still held past their cancel deadline (the holder's later writes are fenced: the
     * grant is gone). Both decided by the database clock under the lock row's {@code FOR UPDATE}.
     */
    @Scheduled(every = "${parley.sessions.turn-expiry-sweep:5s}", delayed = "2s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> sweep() {
        return Panache.withSession(() -> repository.expired(100))
                .onItem().transformToMulti(rows -> Multi.createFrom().iterable(rows))
                .onItem().transformToUniAndConcatenate(row -> {
                    UUID id = UUID.fromString((String) row[0]);
                    String tenant = (String) row[1];
                    return Panache.withTransaction(() -> repository.lockIfFree(id).chain(state -> {
                        if (state.isPresent() && state.get().expiredUnreleased()) {
                            return end(tenant, id, state.get(), "expired");
                        }
                        if (state.isPresent() && state.get().cancelDue()) {
                            return end(tenant, id, state.get(), "cancelled");
                        }
                        return Uni.createFrom().voidItem();
                    }));
                })
                .collect().last()
                .onFailure().invoke(e -> LOG.warnf("turn expiry sweep failed: %s", e.toString()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    /** 409 {@code turn.fenced}, naming the current token. */
    static ProblemException fenced(long token, long current) {
        return ProblemException.conflict(ErrorCodes.TURN_FENCED, "fencing token " + token + " is not the current grant",
                Map.of("fencingToken", current));
    }

    static ProblemException notHolder() {
        return ProblemException.forbidden(ErrorCodes.TURN_NOT_HOLDER, "only the holder of the turn can do this");
    }
}
