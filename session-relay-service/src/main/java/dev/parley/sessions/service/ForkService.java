package dev.parley.sessions.service;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.events.EventTypes;
import dev.parley.events.Json;
import dev.parley.events.StreamKey;
import dev.parley.events.payload.SessionMessage;
import dev.parley.events.payload.TranscriptAppended;
import dev.parley.platform.idempotency.Idempotency;
import dev.parley.platform.identity.Caller;
import dev.parley.platform.problem.ProblemException;
import dev.parley.platform.streamlog.StreamLog;
import dev.parley.sessions.config.SessionsConfig;
import dev.parley.sessions.domain.Sha256State;
import dev.parley.sessions.domain.UuidV7;
import dev.parley.sessions.metrics.SessionsMetrics;
import dev.parley.sessions.repository.ForkRepository;
import dev.parley.sessions.repository.SessionRepository;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Fork at a point (contract §6, ADR 0058): a new session owned by the caller with the original's messages up to a seq
 * and its transcript as it stood then; nothing else (members, shares, sync, engine id, turn) is carried over and the
 * original is only read.
 */
@ApplicationScoped
public class ForkService {

    private final ForkRepository forks;
    private final SessionRepository repository;
    private final SessionService sessionService;
    private final Sessions sessions;
    private final StreamLog log;
    private final Idempotency idempotency;
    private final SessionsConfig config;
    private final MeterRegistry registry;

    public ForkService(ForkRepository forks, SessionRepository repository, SessionService sessionService,
                       Sessions sessions, StreamLog log, Idempotency idempotency, SessionsConfig config,
                       MeterRegistry registry) {
        this.forks = forks;
        this.repository = repository;
        this.sessionService = sessionService;
        this.sessions = sessions;
        this.log = log;
        this.idempotency = idempotency;
        this.config = config;
        this.registry = registry;
    }

    public Uni<Response> fork(Caller caller, UUID id, Long atSeq, String title, String idempotencyKey) {
        String owner = caller.userRef();
        String clean = sessionService.validTitle(title);
        if (atSeq != null && atSeq < 0) {
            throw ProblemException.invalid("atSeq must be >= 0");
        }
        StreamKey original = Sessions.stream(caller.tenant(), id);
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("atSeq", atSeq);
        request.put("title", clean);
        return Panache.withTransaction(() -> sessions.access(caller, id)
                .chain(access -> forks.streamHead(original.value()))
                .chain(head -> {
                    long at = atSeq == null ? head : atSeq;
                    if (at > head) {
                        throw ProblemException.invalid("atSeq " + at + " is beyond the session's head (" + head + ")");
                    }
                    return idempotency.create(caller, "POST /api/sessions/" + id + "/fork", idempotencyKey, request,
                            () -> copy(caller, id, original, at, clean, owner));
                }));
    }

    private Uni<ObjectNode> copy(Caller caller, UUID from, StreamKey original, long at, String title, String owner) {
        UUID forkId = UUID.randomUUID();
        StreamKey fork = Sessions.stream(caller.tenant(), forkId);
        return repository.create(forkId, caller.tenant(), title, owner, caller.name())
                .chain(() -> forks.markForked(forkId, from, at))
                .chain(() -> forks.transcriptLengthAt(original.value(), at))
                .chain(length -> hash(from, 0, length, Sha256State.initial())
                        .call(state -> forks.copyChunks(from, forkId, length))
                        .call(state -> forks.setHead(forkId, length, state.hex(), state.encode()))
                        .chain(state -> forks.messagesUpTo(from, at).chain(messages -> {
                            List<StreamLog.Event> events = new ArrayList<>();
                            for (SessionMessage m : messages) {
                                String messageId = UuidV7.next().toString();
                                events.add(new StreamLog.Event(fork, EventTypes.MESSAGE_CREATED,
                                        seq -> new SessionMessage(messageId, seq, forkId.toString(), m.turnId(),
                                                m.role(), m.content(), m.author(), m.authorName(), m.createdAt()),
                                        owner));
                            }
                            if (length > 0) {
                                events.add(StreamLog.Event.of(fork, EventTypes.TRANSCRIPT_APPENDED,
                                        new TranscriptAppended(0, length, state.hex()), owner));
                            }
                            return log.append(events);
                        })))
                .chain(envelopes -> {
                    Uni<Void> stored = Uni.createFrom().voidItem();
                    for (var envelope : envelopes) {
                        if (EventTypes.MESSAGE_CREATED.equals(envelope.type())) {
                            SessionMessage m = envelope.dataAs(SessionMessage.class);
                            stored = stored.chain(() -> repository.insertMessage(forkId, m));
                        }
                    }
                    return stored;
                })
                .chain(() -> sessionService.load(caller, forkId))
                .map(session -> withForkedFrom(Json.MAPPER.valueToTree(session), from.toString(), at))
                .invoke(() -> registry.counter(SessionsMetrics.FORKS).increment());
    }

    /** SHA-256 state over the original's transcript bytes below {@code length}, a batch of chunks per round trip. */
    private Uni<Sha256State> hash(UUID from, long offset, long length, Sha256State state) {
        if (offset >= length) {
            return Uni.createFrom().item(state);
        }
        return forks.chunks(from, offset, length, config.transcriptReadBatch()).chain(chunks -> {
            if (chunks.isEmpty()) {
                return Uni.createFrom().item(state);
            }
            Sha256State next = state;
            for (ForkRepository.Chunk chunk : chunks) {
                next = next.update(chunk.data());
            }
            ForkRepository.Chunk last = chunks.get(chunks.size() - 1);
            return hash(from, last.start() + last.data().length, length, next);
        });
    }

    static ObjectNode withForkedFrom(ObjectNode session, String sessionId, long seq) {
        ObjectNode forkedFrom = session.putObject("forkedFrom");
        forkedFrom.put("sessionId", sessionId);
        forkedFrom.put("seq", seq);
        return session;
    }

    /** The session as {@code GET /api/sessions/{id}} answers it, with {@code forkedFrom} when it is a fork. */
    public Uni<ObjectNode> describe(Caller caller, UUID id) {
        return Panache.withSession(() -> sessionService.load(caller, id)
                .chain(session -> forks.forkedFrom(id).map(found -> {
                    ObjectNode node = Json.MAPPER.valueToTree(session);
                    Optional<Object[]> f = found;
                    return f.map(r -> withForkedFrom(node, (String) r[0], ((Number) r[1]).longValue())).orElse(node);
                })));
    }
}
