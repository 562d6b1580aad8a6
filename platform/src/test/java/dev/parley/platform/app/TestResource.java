package dev.parley.platform.app;

import dev.parley.events.StreamKey;
import dev.parley.events.StreamName;
import dev.parley.platform.identity.Caller;
import dev.parley.platform.identity.CurrentCaller;
import dev.parley.platform.idempotency.Idempotency;
import dev.parley.platform.paging.PageRequest;
import dev.parley.platform.sql.SessionSql;
import dev.parley.platform.streamlog.StreamLog;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestQuery;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A minimal service on top of the platform, so its pieces are tested the way services use them. */
@Path("/api/test")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class TestResource {

    public record NoteRequest(@NotBlank @Size(max = 100) String text, UUID room) {
    }

    private final CurrentCaller current;
    private final StreamLog log;
    private final Idempotency idempotency;

    public TestResource(CurrentCaller current, StreamLog log, Idempotency idempotency) {
        this.current = current;
        this.log = log;
        this.idempotency = idempotency;
    }

    @GET
    @Path("whoami")
    public Map<String, Object> whoami() {
        Caller caller = current.get();
        return Map.of("tenant", caller.tenant(), "principal", caller.principal(), "name", caller.name());
    }

    @GET
    @Path("page")
    public PageRequest page(@RestQuery String before, @RestQuery String after, @RestQuery String limit) {
        return PageRequest.of(before, after, limit);
    }

    @POST
    @Path("notes")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> create(@Valid @NotNull NoteRequest request, @RestHeader("Idempotency-Key") String key) {
        Caller caller = current.get();
        return Panache.withTransaction(() -> idempotency.create(caller, "POST /api/test/notes", key, request, () -> {
            Note note = new Note();
            note.id = UUID.randomUUID();
            note.tenant = caller.tenant();
            note.text = request.text();
            StreamKey stream = caller.streamKey(request.room() == null ? StreamName.CHANNEL : StreamName.room(request.room()));
            return note.<Note>persist().chain(() -> log.append(stream, "note.created",
                    seq -> Map.of("id", note.id.toString(), "seq", seq, "text", note.text), caller.principal()));
        }));
    }

    /** Appends {@code count} events to a room stream, each in its own transaction, one after another. */
    @POST
    @Path("burst")
    public Uni<Integer> burst(@RestQuery UUID room, @RestQuery int count) {
        Caller caller = current.get();
        StreamKey stream = caller.streamKey(StreamName.room(room));
        return Multi.createFrom().range(0, count)
                .onItem().transformToUniAndConcatenate(i -> Panache.withTransaction(
                        () -> log.append(stream, "burst", Map.of("i", i))))
                .collect().asList().map(list -> list.size());
    }

    /** Appends one event whose data holds {@code chars} characters: for the event cap. */
    @POST
    @Path("sized")
    public Uni<Integer> sized(@RestQuery UUID room, @RestQuery int chars) {
        Caller caller = current.get();
        StreamKey stream = caller.streamKey(StreamName.room(room));
        return Panache.withTransaction(() -> log.append(stream, "sized", Map.of("text", "x".repeat(chars))))
                .map(envelope -> envelope.seq().intValue());
    }

    /**
     * Appends {@code count} events alternately to {@code first} and {@code second} (first gets the extra one) in one
     * transaction, through one multi-stream append.
     */
    @POST
    @Path("batch")
    public Uni<Integer> batch(@RestQuery UUID first, @RestQuery UUID second, @RestQuery int count) {
        Caller caller = current.get();
        StreamKey[] streams = {caller.streamKey(StreamName.room(first)), caller.streamKey(StreamName.room(second))};
        List<StreamLog.Event> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int n = i;
            events.add(new StreamLog.Event(streams[i % 2], "batch", seq -> Map.of("i", n, "seq", seq), caller.principal()));
        }
        return Panache.withTransaction(() -> log.append(events)).map(List::size);
    }

    /**
     * Work that outlives its transaction or session (what a cancelled request's chain does): {@code closed} writes
     * through a session that was closed, {@code committed} through an open session whose transaction committed,
     * {@code untransacted} appends to the log in a session without a transaction. Answers the failure's message, or
     * "written".
     */
    @POST
    @Path("stale")
    public Uni<String> stale(@RestQuery UUID room, @RestQuery String mode) {
        Caller caller = current.get();
        StreamKey stream = caller.streamKey(StreamName.room(room));
        String write = "INSERT INTO stream_head (stream_key, head) VALUES ($1, 1) RETURNING head";
        Uni<?> attempt = switch (mode) {
            case "closed" -> Panache.withSession(Panache::getSession)
                    .chain(session -> SessionSql.rowsInTransaction(session, write, stream.value()));
            case "committed" -> Panache.withSession(() -> Panache.withTransaction(Panache::getSession)
                    .chain(session -> SessionSql.rowsInTransaction(session, write, stream.value())));
            case "untransacted" -> Panache.withSession(() -> log.append(stream, "stale", Map.of()));
            default -> throw new IllegalArgumentException(mode);
        };
        return attempt.map(ignored -> "written").onFailure().recoverWithItem(Throwable::getMessage);
    }

    @DELETE
    @Path("notes")
    public Response unsupported() {
        throw dev.parley.platform.problem.ProblemException.methodNotAllowed("notes are never deleted");
    }
}
