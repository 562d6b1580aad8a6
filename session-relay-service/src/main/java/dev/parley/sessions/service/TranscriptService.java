package dev.parley.sessions.service;

import dev.parley.events.EventTypes;
import dev.parley.events.payload.TranscriptAppended;
import dev.parley.events.payload.TranscriptHead;
import dev.parley.platform.identity.Caller;
import dev.parley.platform.problem.ErrorCodes;
import dev.parley.platform.problem.ProblemException;
import dev.parley.platform.streamlog.StreamLog;
import dev.parley.sessions.config.SessionsConfig;
import dev.parley.sessions.domain.SessionErrors;
import dev.parley.sessions.domain.Sha256State;
import dev.parley.sessions.domain.Texts;
import dev.parley.sessions.metrics.SessionsMetrics;
import dev.parley.sessions.repository.TranscriptRepository;
import dev.parley.sessions.repository.TranscriptRepository.Head;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

/**
 * The engine's resume transcript: append-only deltas with an offset check (push-then-pull), reads from an offset
 * streamed chunk by chunk, and the authoritative SHA-256 of the bytes as stored, kept incrementally.
 */
@ApplicationScoped
public class TranscriptService {

    /** A read: the head it is consistent with and the bytes from {@code from} to {@code head.length}. */
    public record Read(long from, TranscriptHead head, Multi<byte[]> data) {
    }

    private final TranscriptRepository repository;
    private final Sessions sessions;
    private final TurnService turns;
    private final StreamLog log;
    private final SessionsConfig config;
    private final MeterRegistry registry;

    public TranscriptService(TranscriptRepository repository, Sessions sessions, TurnService turns, StreamLog log,
                             SessionsConfig config, MeterRegistry registry) {
        this.repository = repository;
        this.sessions = sessions;
        this.turns = turns;
        this.log = log;
        this.config = config;
        this.registry = registry;
    }

    public Uni<TranscriptAppended> append(Caller caller, UUID id, Long offset, String data, Long fencingToken) {
        String ref = caller.userRef();
        if (offset == null || offset < 0) {
            throw ProblemException.invalid("offset is required (bytes, >= 0)");
        }
        if (data == null) {
            throw ProblemException.invalid("data is required");
        }
        byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > config.transcriptMaxAppend().asLongValue()) {
            throw ProblemException.tooLarge("one append carries at most " + config.transcriptMaxAppend().asLongValue()
                    + " bytes; split the delta");
        }
        return Panache.withTransaction(() -> sessions.access(caller, id)
                .call(access -> turns.fence(id, fencingToken, ref))
                .chain(access -> repository.headForUpdate(id))
                .chain(head -> {
                    if (offset != head.length()) {
                        throw ProblemException.conflict(ErrorCodes.TRANSCRIPT_OFFSET_MISMATCH,
                                "the transcript is " + head.length() + " bytes long; pull, then push from there",
                                Map.of("length", head.length()));
                    }
                    if (head.length() + bytes.length > config.transcriptMaxLength().asLongValue()) {
                        throw ProblemException.limit(SessionErrors.TRANSCRIPT_TOO_LARGE,
                                "a transcript is limited to " + config.transcriptMaxLength().asLongValue() + " bytes");
                    }
                    TranscriptAppended appended;
                    if (bytes.length == 0) {
                        return Uni.createFrom().item(new TranscriptAppended(offset, head.length(), head.sha256()));
                    }
                    Sha256State state = Sha256State.decode(head.state()).update(bytes);
                    Head after = new Head(head.length() + bytes.length, state.hex(), state.encode());
                    appended = new TranscriptAppended(offset, after.length(), after.sha256());
                    return repository.append(id, offset, bytes, after)
                            .chain(() -> log.append(Sessions.stream(caller.tenant(), id), EventTypes.TRANSCRIPT_APPENDED,
                                    seq -> appended, ref))
                            .replaceWith(appended)
                            .invoke(() -> registry.counter(SessionsMetrics.TRANSCRIPT_BYTES).increment(bytes.length));
                }));
    }

    public Uni<TranscriptHead> head(Caller caller, UUID id) {
        return Panache.withSession(() -> sessions.access(caller, id).chain(access -> repository.head(id)))
                .map(head -> new TranscriptHead(head.length(), head.sha256()));
    }

    /**
     * The transcript from {@code from}: the head is read first and the bytes streamed up to its length, so data,
     * length and hash always agree (chunks below a length never change). {@code from} beyond the length, or inside
     * a UTF-8 character → 400.
     */
    public Uni<Read> read(Caller caller, UUID id, String fromParam) {
        long from;
        try {
            from = fromParam == null || fromParam.isEmpty() ? 0 : Long.parseLong(fromParam);
        } catch (NumberFormatException e) {
            throw ProblemException.invalid("from must be an integer");
        }
        if (from < 0) {
            throw ProblemException.invalid("from must be >= 0");
        }
        return Panache.withSession(() -> sessions.access(caller, id).chain(access -> repository.head(id)))
                .chain(head -> {
                    if (from > head.length()) {
                        throw ProblemException.invalid("from is beyond the transcript's length " + head.length());
                    }
                    Uni<Byte> boundary = from == head.length() ? Uni.createFrom().item((byte) 0)
                            : repository.byteAt(id, from);
                    return boundary.map(b -> {
                        if (!Texts.utf8Boundary(b)) {
                            throw ProblemException.invalid("from falls inside a UTF-8 character");
                        }
                        return new Read(from, new TranscriptHead(head.length(), head.sha256()),
                                repository.read(id, from, head.length(), config.transcriptReadBatch()));
                    });
                });
    }
}
