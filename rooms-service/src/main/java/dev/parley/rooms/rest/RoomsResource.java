package dev.parley.rooms.rest;

import dev.parley.events.payload.Items;
import dev.parley.events.payload.Room;
import dev.parley.events.payload.RoomMessage;
import dev.parley.platform.identity.CurrentCaller;
import dev.parley.platform.idempotency.Idempotency;
import dev.parley.platform.paging.Page;
import dev.parley.rooms.service.MessageService;
import dev.parley.rooms.service.Requests;
import dev.parley.rooms.service.RoomErrors;
import dev.parley.rooms.service.RoomService;
import dev.parley.rooms.service.SearchService;
import dev.parley.rooms.service.TypingService;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

/** Group rooms (contract §5). Reached through the gateway at {@code /api/agent-rooms/**}. */
@Path("/api/agent-rooms")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class RoomsResource {

    private final CurrentCaller caller;
    private final RoomService rooms;
    private final MessageService messages;
    private final SearchService search;
    private final TypingService typing;

    public RoomsResource(CurrentCaller caller, RoomService rooms, MessageService messages, SearchService search,
                         TypingService typing) {
        this.caller = caller;
        this.rooms = rooms;
        this.messages = messages;
        this.search = search;
        this.typing = typing;
    }

    @GET
    @Path("search")
    @Operation(summary = "Full-text search in the caller's rooms (or ?room=<id>), newest first: "
            + "{items:[{roomId,message,snippet}],nextBefore}; before = a message id, limit ≤ 100.")
    public Uni<SearchService.Results> search(@RestQuery String q, @RestQuery String room, @RestQuery String before,
                                             @RestQuery String limit) {
        return search.search(caller.get(), q, room, before, limit);
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a room (humans only); the creator is always a member. 409 room.name_taken.")
    public Uni<Response> create(Requests.CreateRoom request, @RestHeader(Idempotency.HEADER) String idempotencyKey) {
        return rooms.create(caller.get(), request, idempotencyKey);
    }

    @GET
    @Operation(summary = "The rooms the caller is a member of (an app token: rooms any of its agents is in).")
    public Uni<Items<Room>> list() {
        return rooms.list(caller.get());
    }

    @GET
    @Path("{id}")
    @Operation(summary = "A room with its roster.")
    public Uni<Room> get(@RestPath String id) {
        return rooms.get(caller.get(), RoomErrors.roomId(id));
    }

    @DELETE
    @Path("{id}")
    @Operation(summary = "Rooms are never deleted: 405 to a member, 404 to anyone who cannot see the room.")
    public Uni<Response> delete(@RestPath String id) {
        return rooms.delete(caller.get(), RoomErrors.roomId(id)).replaceWith(Response.noContent().build());
    }

    @POST
    @Path("{id}/members")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Add a member (any human member). 201 when added, 200 when already a member.")
    public Uni<Response> addMember(@RestPath String id, Requests.AddMember request) {
        return rooms.addMember(caller.get(), RoomErrors.roomId(id), request)
                .map(added -> Response.status(added.created() ? 201 : 200).type(MediaType.APPLICATION_JSON)
                        .entity(added.member()).build());
    }

    @DELETE
    @Path("{id}/members/{ref}")
    @Operation(summary = "Remove a member (any human member); 204, also when the ref was not a member.")
    public Uni<Response> removeMember(@RestPath String id, @RestPath String ref) {
        return rooms.removeMember(caller.get(), RoomErrors.roomId(id), ref)
                .replaceWith(Response.noContent().build());
    }

    @GET
    @Path("{id}/messages")
    @Operation(summary = "Messages by seq: ?before= pages back (newest page by default), ?after= pages forward.")
    public Uni<Page<RoomMessage>> messages(@RestPath String id, @RestQuery String before, @RestQuery String after,
                                           @RestQuery String limit) {
        return messages.page(caller.get(), RoomErrors.roomId(id), before, after, limit);
    }

    @POST
    @Path("{id}/messages")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Post a message (markdown); an app token names fromAgent and posts as <app>:<fromAgent>.")
    public Uni<Response> post(@RestPath String id, Requests.PostMessage request,
                              @RestHeader(Idempotency.HEADER) String idempotencyKey) {
        return messages.post(caller.get(), RoomErrors.roomId(id), request, idempotencyKey);
    }

    @POST
    @Path("{id}/typing")
    @Operation(summary = "Publish an ephemeral typing {ref,name} on room:<id> (for SSE-only clients and agents); 204. "
            + "An app token types as {\"as\": \"<slug>\"}, a member agent of its app.")
    @Consumes(MediaType.WILDCARD)
    public Uni<Response> typing(@RestPath String id, byte[] body) {
        return typing.typing(caller.get(), RoomErrors.roomId(id), Requests.typing(body))
                .replaceWith(Response.noContent().build());
    }
}
