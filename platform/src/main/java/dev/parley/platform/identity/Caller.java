package dev.parley.platform.identity;

import dev.parley.events.MemberRef;
import dev.parley.events.StreamKey;
import dev.parley.events.StreamName;
import dev.parley.platform.problem.ErrorCodes;
import dev.parley.platform.problem.ProblemException;

/**
 * Who is calling, read once from the validated token: a human ({@code user:<sub>}) or an app (speaking for its
 * agents {@code <app>:<slug>}), always of exactly one tenant.
 *
 * @param tenant the tenant every resource the caller touches must belong to
 * @param sub    the token subject
 * @param appId  the app of an app token, {@code null} for a human
 * @param name   display name: {@code name}, else {@code preferred_username}, else {@code sub}
 */
public record Caller(String tenant, String sub, String appId, String name) {

    public boolean isApp() {
        return appId != null;
    }

    public boolean isHuman() {
        return appId == null;
    }

    /** The human's ref {@code user:<sub>}; an app token has none (403 where a human is required). */
    public String userRef() {
        if (isApp()) {
            throw ProblemException.forbidden(ErrorCodes.FORBIDDEN, "an app token cannot act as a person");
        }
        return MemberRef.USER + ":" + sub;
    }

    /** The ref of one of this app's agents. */
    public String agentRef(String slug) {
        return MemberRef.agent(appId, slug).value();
    }

    /** A stable id of the caller for per-caller state (idempotency keys, rate limits): user ref or {@code app/<id>}. */
    public String principal() {
        return isApp() ? "app/" + appId : userRef();
    }

    /** The stream this caller means by a client-facing name ({@code me} is theirs, {@code inbox} their app's). */
    public StreamKey streamKey(StreamName name) {
        return StreamKey.forCaller(tenant, name, isApp() ? null : userRef(), appId);
    }
}
