package dev.parley.presence.rest;

import dev.parley.events.payload.Items;
import dev.parley.events.payload.RosterEntry;
import dev.parley.platform.identity.CurrentCaller;
import dev.parley.presence.service.PresenceService;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** API.md §3: the tenant roster with statuses, sync partners, and activity outside connections. */
@Path("/api/presence")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class PresenceResource {

    private final PresenceService presence;
    private final CurrentCaller caller;

    public PresenceResource(PresenceService presence, CurrentCaller caller) {
        this.presence = presence;
        this.caller = caller;
    }

    /** The whole roster of the caller's tenant, offline members included. */
    @GET
    public Uni<Items<RosterEntry>> roster() {
        return Uni.createFrom().item(new Items<>(presence.roster(caller.get())));
    }

    /** Online (not idle, not offline) teammates other than the caller. */
    @GET
    @Path("sync-partners")
    public Uni<Items<RosterEntry>> syncPartners() {
        return Uni.createFrom().item(new Items<>(presence.syncPartners(caller.get())));
    }

    /** Records activity of the caller (a human); 204. */
    @POST
    @Path("activity")
    public Uni<Response> activity() {
        return presence.activity(caller.get()).replaceWith(Response.noContent().build());
    }
}
