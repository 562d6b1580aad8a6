package dev.parley.presence.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.events.payload.Me;
import dev.parley.platform.identity.CurrentCaller;
import dev.parley.presence.service.PresenceService;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** API.md §3: who the caller is and their discovery settings (humans only; app tokens → 403). */
@Path("/api/me")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class MeResource {

    private final PresenceService presence;
    private final CurrentCaller caller;

    public MeResource(PresenceService presence, CurrentCaller caller) {
        this.presence = presence;
        this.caller = caller;
    }

    @GET
    public Uni<Me> me() {
        return Uni.createFrom().item(presence.me(caller.get()));
    }

    /** Sets some or all of {@code channel}, {@code presence}, {@code sharedSessions} (booleans); returns Me. */
    @PUT
    @Path("discovery")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Me> discovery(JsonNode body) {
        return presence.putDiscovery(caller.get(), body);
    }
}
