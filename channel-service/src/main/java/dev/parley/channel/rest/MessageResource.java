package dev.parley.channel.rest;

import dev.parley.channel.domain.MessageRules;
import dev.parley.channel.service.MessageService;
import dev.parley.channel.service.MessageService.EditMessage;
import dev.parley.channel.service.MessageService.PostMessage;
import dev.parley.channel.service.SearchService;
import dev.parley.channel.service.TypingService;
import dev.parley.events.payload.ChannelMessage;
import dev.parley.platform.identity.CurrentCaller;
import dev.parley.platform.idempotency.Idempotency;
import dev.parley.platform.paging.Page;
import dev.parley.platform.paging.PageRequest;
import dev.parley.platform.problem.ProblemException;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

import java.util.UUID;

/** The team channel of the caller's tenant (contract §4). Humans only: an app token gets 403 {@code auth.forbidden}. */
@Path("/api/channel")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class MessageResource {

    private final CurrentCaller caller;
    private final MessageService messages;
    private final TypingService typing;
    private final SearchService search;

    public MessageResource(CurrentCaller caller, MessageService messages, TypingService typing, SearchService search) {
        this.caller = caller;
        this.messages = messages;
        this.typing = typing;
        this.search = search;
    }

    /**
     * Full-text search over what retention keeps, newest first: {@code {"items":[{"message","snippet"}],
     * "nextBefore"}}; {@code before} (a seq) pages back, {@code limit} ≤ 100. Blank or too long {@code q} → 400.
     */
    @GET
    @Path("search")
    public Uni<SearchService.Results> search(@RestQuery String q, @RestQuery String before, @RestQuery String limit) {
        return search.search(caller.get(), q, before, limit);
    }

    /** Messages in ascending seq; {@code before} pages back, {@code after} forward, {@code limit} ≤ 100. */
    @GET
    @Path("messages")
    public Uni<Page<ChannelMessage>> list(@RestQuery String before, @RestQuery String after, @RestQuery String limit) {
        caller.get().userRef();
        return messages.list(caller.get(), PageRequest.of(before, after, limit));
    }

    @GET
    @Path("messages/{id}")
    public Uni<ChannelMessage> get(@RestPath String id) {
        caller.get().userRef();
        return messages.get(caller.get(), messageId(id));
    }

    /** 201 + the message; {@code Idempotency-Key} honoured. */
    @POST
    @Path("messages")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> post(PostMessage request, @RestHeader(Idempotency.HEADER) String idempotencyKey) {
        return messages.post(caller.get(), request, idempotencyKey);
    }

    @PATCH
    @Path("messages/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<ChannelMessage> edit(@RestPath String id, EditMessage request) {
        caller.get().userRef();
        return messages.edit(caller.get(), messageId(id), request);
    }

    /** 204; deleting an already deleted message of yours changes nothing (and emits nothing). */
    @DELETE
    @Path("messages/{id}")
    public Uni<Response> delete(@RestPath String id) {
        caller.get().userRef();
        return messages.delete(caller.get(), messageId(id)).map(changed -> Response.noContent().build());
    }

    /** The caller's reaction; answers the updated message. A repeated PUT changes nothing and emits nothing. */
    @PUT
    @Path("messages/{id}/reactions/{emoji}")
    public Uni<ChannelMessage> react(@RestPath String id, @RestPath String emoji) {
        caller.get().userRef();
        return messages.react(caller.get(), messageId(id), emoji, true);
    }

    @DELETE
    @Path("messages/{id}/reactions/{emoji}")
    public Uni<ChannelMessage> unreact(@RestPath String id, @RestPath String emoji) {
        caller.get().userRef();
        return messages.react(caller.get(), messageId(id), emoji, false);
    }

    /** Publishes an ephemeral {@code typing} event to the others; 204. */
    @POST
    @Path("typing")
    public Uni<Response> typing() {
        return typing.typing(caller.get()).map(v -> Response.noContent().build());
    }

    /** A path id that is not a UUID names no message: 404, as for any unknown id. */
    static UUID messageId(String id) {
        UUID uuid = MessageRules.parse(id);
        if (uuid == null) {
            throw ProblemException.notFound("message");
        }
        return uuid;
    }
}
