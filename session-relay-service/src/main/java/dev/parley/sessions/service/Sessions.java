package dev.parley.sessions.service;

import dev.parley.events.MemberRef;
import dev.parley.events.StreamKey;
import dev.parley.events.StreamName;
import dev.parley.platform.identity.Caller;
import dev.parley.platform.problem.ProblemException;
import dev.parley.platform.roster.Roster;
import dev.parley.sessions.domain.Access;
import dev.parley.sessions.repository.SessionRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.UUID;

/** Shared helpers of the session services: ids, access checks, stream keys, names. */
@ApplicationScoped
public class Sessions {

    private final SessionRepository repository;
    private final Roster roster;

    public Sessions(SessionRepository repository, Roster roster) {
        this.repository = repository;
        this.roster = roster;
    }

    /** A session id from a path; anything but a UUID is a session that does not exist (404). */
    public static UUID id(String raw) {
        try {
            if (raw == null || raw.length() != 36) {
                throw new IllegalArgumentException();
            }
            return UUID.fromString(raw);
        } catch (IllegalArgumentException e) {
            throw ProblemException.notFound("session");
        }
    }

    public static StreamKey stream(String tenant, UUID id) {
        return StreamKey.of(tenant, StreamName.session(id));
    }

    /** The caller's access to the session; 404 when it does not exist, is another tenant's or not shared with them. */
    public Uni<Access> access(Caller caller, UUID id) {
        String ref = caller.userRef();
        return repository.access(id, caller.tenant(), ref)
                .map(found -> found.orElseThrow(() -> ProblemException.notFound("session")));
    }

    public String name(String tenant, String ref, String fallback) {
        return roster.name(tenant, ref).orElse(fallback);
    }

    /** A {@code user:} ref of a person (sessions are shared with people, not agents); 400 otherwise. */
    public static String userRef(String raw) {
        MemberRef ref;
        try {
            ref = MemberRef.parse(raw);
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalid("ref: " + e.getMessage());
        }
        if (!ref.isUser()) {
            throw ProblemException.invalid("ref: sessions are shared with people (user:<id>), not agents");
        }
        return ref.value();
    }
}
