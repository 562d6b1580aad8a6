package dev.parley.sessions.rest;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.parley.events.payload.EngineSet;
import dev.parley.events.payload.Items;
import dev.parley.events.payload.LiveSnapshot;
import dev.parley.events.payload.Session;
import dev.parley.events.payload.SessionMessage;
import dev.parley.events.payload.TranscriptAppended;
import dev.parley.events.payload.TranscriptHead;
import dev.parley.events.payload.Turn;
import dev.parley.platform.idempotency.Idempotency;
import dev.parley.platform.identity.CurrentCaller;
import dev.parley.platform.paging.Page;
import dev.parley.platform.problem.ProblemException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.sessions.service.ForkService;
import dev.parley.sessions.service.LedgerService;
import dev.parley.sessions.service.LiveService;
import dev.parley.sessions.service.MessageService;
import dev.parley.sessions.service.SessionService;
import dev.parley.sessions.service.Sessions;
import dev.parley.sessions.service.TranscriptService;
import dev.parley.sessions.service.TurnService;
import dev.parley.sessions.service.TypingService;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

import java.nio.charset.StandardCharsets;

/** Shared sessions (contract §6). Humans only: an app token gets 403 {@code auth.forbidden}. */
@Path("/api/sessions")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class SessionResource {

    private final CurrentCaller caller;
    private final SessionService sessions;
    private final MessageService messages;
    private final TurnService turns;
    private final LiveService live;
    private final TranscriptService transcript;
    private final LedgerService ledger;
    private final ForkService forks;
    private final TypingService typing;

    public SessionResource(CurrentCaller caller, SessionService sessions, MessageService messages, TurnService turns,
                           LiveService live, TranscriptService transcript, LedgerService ledger, ForkService forks,
                           TypingService typing) {
        this.typing = typing;
        this.ledger = ledger;
        this.forks = forks;
        this.caller = caller;
        this.sessions = sessions;
        this.messages = messages;
        this.turns = turns;
        this.live = live;
        this.transcript = transcript;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> create(Bodies.NewSession body, @RestHeader(Idempotency.HEADER) String key) {
        return sessions.create(caller.get(), Bodies.required(body).title(), key);
    }

    @GET
    public Uni<Items<Session>> list() {
        return sessions.list(caller.get());
    }

    /** The session with the caller's role, and {@code forkedFrom} {@code {"sessionId", "seq"}} when it is a fork. */
    @GET
    @Path("{id}")
    public Uni<ObjectNode> get(@RestPath String id) {
        return forks.describe(caller.get(), Sessions.id(id));
    }

    /** 201 a new session of the caller's with the messages and transcript up to {@code atSeq} (default the head). */
    @POST
    @Path("{id}/fork")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> fork(@RestPath String id, Bodies.ForkBody body, @RestHeader(Idempotency.HEADER) String key) {
        Bodies.ForkBody b = Bodies.required(body);
        return forks.fork(caller.get(), Sessions.id(id), b.atSeq(), b.title(), key);
    }

    @POST
    @Path("{id}/members")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> share(@RestPath String id, Bodies.NewMember body, @RestHeader(Idempotency.HEADER) String key) {
        return sessions.addMember(caller.get(), Sessions.id(id), Bodies.required(body).ref(), key);
    }

    @DELETE
    @Path("{id}/members/{ref}")
    public Uni<Response> revoke(@RestPath String id, @RestPath String ref) {
        return sessions.removeMember(caller.get(), Sessions.id(id), ref).replaceWith(Response.noContent().build());
    }

    @POST
    @Path("{id}/messages")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> post(@RestPath String id, Bodies.NewMessage body, @RestHeader(Idempotency.HEADER) String key) {
        Bodies.NewMessage b = Bodies.required(body);
        return messages.create(caller.get(), Sessions.id(id),
                new MessageService.NewMessage(b.turnId(), b.role(), b.content(), b.fencingToken()), key);
    }

    @GET
    @Path("{id}/messages")
    public Uni<Page<SessionMessage>> messages(@RestPath String id, @RestQuery String before, @RestQuery String after,
                                              @RestQuery String limit) {
        return messages.list(caller.get(), Sessions.id(id), before, after, limit);
    }

    @PUT
    @Path("{id}/live")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<LiveSnapshot> putLive(@RestPath String id, Bodies.LiveBody body) {
        Bodies.LiveBody b = Bodies.required(body);
        return live.put(caller.get(), Sessions.id(id), new LiveService.LiveWrite(b.turnId(), b.status(), b.text(),
                b.thinking(), b.tools(), b.fencingToken()));
    }

    /** The live snapshot; 204 when no turn has written one yet. */
    @GET
    @Path("{id}/live")
    public Uni<Response> getLive(@RestPath String id) {
        return live.get(caller.get(), Sessions.id(id)).map(found -> found
                .map(s -> Response.ok(s).build())
                .orElseGet(() -> Response.noContent().build()));
    }

    @POST
    @Path("{id}/transcript")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<TranscriptAppended> append(@RestPath String id, Bodies.TranscriptBody body) {
        Bodies.TranscriptBody b = Bodies.required(body);
        return transcript.append(caller.get(), Sessions.id(id), b.offset(), b.data(), b.fencingToken());
    }

    /**
     * {@code {"from", "length", "sha256", "data"}} streamed: the JSON is written chunk by chunk as the stored chunks
     * are read, never assembled in memory.
     */
    @GET
    @Path("{id}/transcript")
    public Uni<TranscriptStream> read(@RestPath String id, @RestQuery String from) {
        return transcript.read(caller.get(), Sessions.id(id), from).map(read -> {
            JsonStringEncoder encoder = JsonStringEncoder.getInstance();
            byte[] head = ("{\"from\":" + read.from() + ",\"length\":" + read.head().length() + ",\"sha256\":\""
                    + read.head().sha256() + "\",\"data\":\"").getBytes(StandardCharsets.UTF_8);
            byte[] tail = "\"}".getBytes(StandardCharsets.UTF_8);
            return new TranscriptStream(Multi.createBy().concatenating().streams(
                    Multi.createFrom().item(head),
                    read.data().map(bytes -> encoder.quoteAsUTF8(new String(bytes, StandardCharsets.UTF_8))),
                    Multi.createFrom().item(tail)));
        });
    }

    @GET
    @Path("{id}/transcript/head")
    public Uni<TranscriptHead> head(@RestPath String id) {
        return transcript.head(caller.get(), Sessions.id(id));
    }

    @PUT
    @Path("{id}/engine")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<EngineSet> engine(@RestPath String id, Bodies.EngineBody body) {
        return sessions.setEngine(caller.get(), Sessions.id(id), Bodies.required(body).engineSessionId());
    }

    /** Publishes an ephemeral {@code typing} on the session stream (for SSE-only clients); 204. */
    @POST
    @Path("{id}/typing")
    public Uni<Response> typing(@RestPath String id) {
        return typing.typing(caller.get(), Sessions.id(id)).replaceWith(Response.noContent().build());
    }

    /** The ledger's links after a seq: {@code {"items": [{"seq", "sha256", "chain"}], "nextAfter"}} (ADR 0057). */
    @GET
    @Path("{id}/ledger")
    public Uni<LedgerService.LedgerPage> ledger(@RestPath String id, @RestQuery String after, @RestQuery String limit) {
        return ledger.page(caller.get(), Sessions.id(id), after, limit);
    }

    /** The chain after the last event of the session stream: {@code {"seq", "chain"}}. */
    @GET
    @Path("{id}/ledger/head")
    public Uni<LedgerService.LedgerHead> ledgerHead(@RestPath String id) {
        return ledger.head(caller.get(), Sessions.id(id));
    }

    /** 201 with a new grant; 200 when the caller already holds it for this turn id (a retried acquire). */
    @POST
    @Path("{id}/turn")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> acquire(@RestPath String id, Bodies.TurnBody body) {
        String turnId = Bodies.required(body).turnId();
        if (turnId == null || turnId.isBlank() || turnId.length() > 200) {
            throw ProblemException.invalid("turnId must be 1-200 characters");
        }
        return turns.acquire(caller.get(), Sessions.id(id), turnId)
                .map(a -> Response.status(a.created() ? 201 : 200).entity(a.turn()).build());
    }

    /** Asks the holder to stop the running turn (any member); 202, the holder's client or the grace ends it. */
    @POST
    @Path("{id}/turn/cancel")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> cancel(@RestPath String id, Bodies.CancelBody body) {
        Bodies.CancelBody b = Bodies.required(body);
        if (b.turnId() == null || b.turnId().isBlank() || b.turnId().length() > 200) {
            throw ProblemException.invalid("turnId must be 1-200 characters");
        }
        if (b.reason() != null && b.reason().codePointCount(0, b.reason().length()) > 1000) {
            throw ProblemException.invalid("reason is at most 1000 characters");
        }
        return turns.cancel(caller.get(), Sessions.id(id), b.turnId(), b.reason())
                .replaceWith(Response.accepted().build());
    }

    @POST
    @Path("{id}/turn/heartbeat")
    public Uni<Turn> heartbeat(@RestPath String id) {
        return turns.heartbeat(caller.get(), Sessions.id(id));
    }

    @DELETE
    @Path("{id}/turn")
    public Uni<Response> release(@RestPath String id) {
        return turns.release(caller.get(), Sessions.id(id)).replaceWith(Response.noContent().build());
    }
}
