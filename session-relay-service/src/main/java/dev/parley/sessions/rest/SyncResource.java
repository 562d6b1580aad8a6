package dev.parley.sessions.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.events.payload.SyncState;
import dev.parley.platform.identity.CurrentCaller;
import dev.parley.sessions.service.SyncService;
import io.quarkus.security.Authenticated;
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

/** Sync pairing (API.md §6): two people share tabs and screen layout. */
@Path("/api/sync")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class SyncResource {

    private final CurrentCaller caller;
    private final SyncService sync;

    public SyncResource(CurrentCaller caller, SyncService sync) {
        this.caller = caller;
        this.sync = sync;
    }

    /** 201 with the caller's view of a new pairing; 200 when already paired with that partner. */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> start(Bodies.SyncStart body) {
        return sync.start(caller.get(), Bodies.required(body).partner())
                .map(s -> Response.status(s.created() ? 201 : 200).entity(s.state()).build());
    }

    @GET
    public Uni<SyncState> get() {
        return sync.get(caller.get());
    }

    @DELETE
    public Uni<Response> stop() {
        return sync.stop(caller.get()).replaceWith(Response.noContent().build());
    }

    @PUT
    @Path("tabs")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<SyncState> tabs(Bodies.SyncTabs body) {
        Bodies.SyncTabs b = Bodies.required(body);
        return sync.tabs(caller.get(), b.tabs(), b.activeTabId());
    }

    @PUT
    @Path("screen")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<SyncState> screen(JsonNode body) {
        return sync.screen(caller.get(), Bodies.requiredNode(body));
    }
}
