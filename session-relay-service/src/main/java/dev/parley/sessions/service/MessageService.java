package dev.parley.sessions.service;

import dev.parley.events.EventTypes;
import dev.parley.events.payload.SessionMessage;
import dev.parley.platform.idempotency.Idempotency;
import dev.parley.platform.identity.Caller;
import dev.parley.platform.paging.Page;
import dev.parley.platform.paging.PageRequest;
import dev.parley.platform.problem.ErrorCodes;
import dev.parley.platform.problem.ProblemException;
import dev.parley.platform.streamlog.StreamLog;
import dev.parley.sessions.config.SessionsConfig;
import dev.parley.sessions.domain.Texts;
import dev.parley.sessions.domain.UuidV7;
import dev.parley.sessions.metrics.SessionsMetrics;
import dev.parley.sessions.repository.SessionRepository;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** The durable, attributed messages collection of a session; a message's seq is its event's seq on the session stream. */
@ApplicationScoped
public class MessageService {

    public static final Set<String> ROLES = Set.of("user", "assistant", "tool");

    /** A message as the REST body carries it. */
    public record NewMessage(String turnId, String role, String content, Long fencingToken) {
    }

    private final SessionRepository repository;
    private final Sessions sessions;
    private final TurnService turns;
    private final StreamLog log;
    private final Idempotency idempotency;
    private final SessionsConfig config;
    private final MeterRegistry registry;

    public MessageService(SessionRepository repository, Sessions sessions, TurnService turns, StreamLog log,
                          Idempotency idempotency, SessionsConfig config, MeterRegistry registry) {
        this.repository = repository;
        this.sessions = sessions;
        this.turns = turns;
        this.log = log;
        this.idempotency = idempotency;
        this.config = config;
        this.registry = registry;
    }

    public Uni<Response> create(Caller caller, UUID id, NewMessage request, String idempotencyKey) {
        String ref = caller.userRef();
        if (Texts.blank(request.turnId()) || request.turnId().length() > 200) {
            throw ProblemException.invalid("turnId must be 1-200 characters");
        }
        if (request.role() == null || !ROLES.contains(request.role())) {
            throw ProblemException.invalid("role must be one of user, assistant, tool");
        }
        if (request.content() == null) {
            throw ProblemException.invalid("content is required");
        }
        if (Texts.codePoints(request.content()) > config.messageMaxLength()) {
            throw ProblemException.limit(ErrorCodes.MESSAGE_TOO_LONG,
                    "content is limited to " + config.messageMaxLength() + " characters");
        }
        return Panache.withTransaction(() -> sessions.access(caller, id)
                .call(access -> turns.fence(id, request.fencingToken(), ref))
                .chain(access -> idempotency.create(caller, "POST /api/sessions/" + id + "/messages", idempotencyKey,
                        request, () -> {
                            String messageId = UuidV7.next().toString();
                            Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
                            return log.append(Sessions.stream(caller.tenant(), id), EventTypes.MESSAGE_CREATED,
                                            seq -> new SessionMessage(messageId, seq, id.toString(), request.turnId(),
                                                    request.role(), request.content(), ref, caller.name(), now), ref)
                                    .map(envelope -> envelope.dataAs(SessionMessage.class))
                                    .call(message -> repository.insertMessage(id, message))
                                    .invoke(() -> registry.counter(SessionsMetrics.MESSAGES).increment());
                        })));
    }

    public Uni<Page<SessionMessage>> list(Caller caller, UUID id, String before, String after, String limit) {
        PageRequest request = PageRequest.of(before, after, limit);
        return Panache.withSession(() -> sessions.access(caller, id)
                .chain(access -> repository.messages(id, request.after(), request.before(), request.limit() + 1)))
                .map(rows -> rows.isEmpty() && !request.forward() && request.before() == null
                        // platform Page.of unboxes a null here (reported); an empty newest page has no cursors
                        ? new Page<>(List.of(), null, null)
                        : Page.of(request, rows, SessionMessage::seq));
    }
}
