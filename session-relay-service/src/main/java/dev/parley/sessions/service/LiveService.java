package dev.parley.sessions.service;

import dev.parley.events.Envelope;
import dev.parley.events.payload.LiveSnapshot;
import dev.parley.events.payload.Tool;
import dev.parley.platform.identity.Caller;
import dev.parley.platform.problem.ProblemException;
import dev.parley.platform.streamlog.StreamLog;
import dev.parley.sessions.config.SessionsConfig;
import dev.parley.sessions.domain.Live;
import dev.parley.sessions.domain.SessionErrors;
import dev.parley.sessions.domain.Texts;
import dev.parley.sessions.domain.TurnLock;
import dev.parley.sessions.messaging.LivePublisher;
import dev.parley.sessions.metrics.SessionsMetrics;
import dev.parley.sessions.repository.TurnRepository;
import dev.parley.sessions.repository.TurnRepository.LiveRow;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The live snapshot: one row per session, overwritten by each write; published coalesced, never logged. */
@ApplicationScoped
public class LiveService {

    /** A live write as the REST body carries it. */
    public record LiveWrite(String turnId, String status, String text, String thinking, List<Tool> tools,
                            Long fencingToken) {
    }

    private final TurnRepository repository;
    private final Sessions sessions;
    private final LivePublisher publisher;
    private final SessionsConfig config;
    private final StreamLog log;
    private final Counter updates;
    private final Counter fenced;

    public LiveService(TurnRepository repository, Sessions sessions, LivePublisher publisher, SessionsConfig config,
                       StreamLog log, MeterRegistry registry) {
        this.log = log;
        this.repository = repository;
        this.sessions = sessions;
        this.publisher = publisher;
        this.config = config;
        this.updates = registry.counter(SessionsMetrics.LIVE_UPDATES);
        this.fenced = registry.counter(SessionsMetrics.TURNS_FENCED);
    }

    public Uni<LiveSnapshot> put(Caller caller, UUID id, LiveWrite write) {
        String ref = caller.userRef();
        if (Texts.blank(write.turnId()) || write.turnId().length() > 200) {
            throw ProblemException.invalid("turnId must be 1-200 characters");
        }
        if (write.status() == null || !Live.STATUSES.contains(write.status())) {
            throw ProblemException.invalid("status must be one of running, completed, failed, cancelled");
        }
        if (write.fencingToken() == null) {
            throw ProblemException.invalid("fencingToken is required: the live snapshot belongs to the turn's holder");
        }
        List<Tool> tools = write.tools() == null ? List.of() : write.tools();
        if (tools.size() > config.liveMaxTools()) {
            throw ProblemException.limit(SessionErrors.LIVE_TOO_MANY_TOOLS,
                    "a live snapshot lists at most " + config.liveMaxTools() + " tools");
        }
        String text = write.text() == null ? "" : write.text();
        String thinking = write.thinking() == null ? "" : write.thinking();
        // the snapshot as live.updated and the turn's final turn.ended will carry it must fit in one event
        log.checkData(new LiveSnapshot(write.turnId(), write.status(), text, thinking, tools, ref, Instant.now(), false));
        // One statement: membership, the fencing check under the lock row's FOR SHARE, and the upsert (ADR 0055).
        return repository.writeLive(id, caller.tenant(), ref, write.turnId(), write.status(), text, thinking, tools,
                        write.fencingToken())
                .map(found -> {
                    TurnRepository.LiveWritten written = found.filter(TurnRepository.LiveWritten::member)
                            .orElseThrow(() -> ProblemException.notFound("session"));
                    if (written.row() == null) {
                        throw refused(written, write.fencingToken(), ref);
                    }
                    LiveSnapshot snapshot = snapshot(written.row());
                    updates.increment();
                    publisher.publish(Sessions.stream(caller.tenant(), id), snapshot, ref);
                    return snapshot;
                });
    }

    /** Why a live write was not stored (the lock as the statement read it); the rule is {@link TurnLock#fence}. */
    private ProblemException refused(TurnRepository.LiveWritten lock, long token, String ref) {
        if (TurnLock.fence(lock.fencingToken(), lock.held(), lock.holderRef(), token, ref) == TurnLock.Fence.NOT_HOLDER) {
            return TurnService.notHolder();
        }
        fenced.increment();
        return TurnService.fenced(token, lock.fencingToken());
    }

    /** The snapshot, or empty when no turn has written one yet. */
    public Uni<Optional<LiveSnapshot>> get(Caller caller, UUID id) {
        return Panache.withSession(() -> sessions.access(caller, id).chain(access -> snapshot(id)));
    }

    /** Inside a session or transaction. */
    Uni<Optional<LiveSnapshot>> snapshot(UUID id) {
        return repository.live(id).map(row -> row.map(this::snapshot));
    }

    /** The {@code live.updated} a new subscriber of the session gets first, when a turn is running. */
    public Uni<List<Envelope>> latest(UUID id, dev.parley.events.StreamKey key) {
        return Panache.withSession(() -> snapshot(id)).map(found -> found
                .filter(s -> LiveSnapshot.RUNNING.equals(s.status()))
                .map(s -> List.of(LivePublisher.envelope(key, s)))
                .orElse(List.of()));
    }

    private LiveSnapshot snapshot(LiveRow row) {
        return new LiveSnapshot(row.turnId(), row.status(), row.text(), row.thinking(), row.tools(), row.startedBy(),
                row.updatedAt(), Live.stale(row.status(), row.updatedAt(), row.now(), config.liveStaleAfter()));
    }
}
