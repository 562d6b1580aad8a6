package dev.parley.sessions.rest;

import dev.parley.events.payload.Share;
import dev.parley.platform.identity.CurrentCaller;
import dev.parley.platform.paging.Page;
import dev.parley.sessions.service.SessionService;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.RestQuery;

/** The caller's share and revoke records, for reconcile-on-connect (API.md §6). */
@Path("/api/me/shares")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class MeResource {

    private final CurrentCaller caller;
    private final SessionService sessions;

    public MeResource(CurrentCaller caller, SessionService sessions) {
        this.caller = caller;
        this.sessions = sessions;
    }

    @GET
    public Uni<Page<Share>> shares(@RestQuery String after, @RestQuery String limit) {
        return sessions.shares(caller.get(), after, limit);
    }
}
