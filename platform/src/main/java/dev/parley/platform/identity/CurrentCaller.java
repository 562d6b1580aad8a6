package dev.parley.platform.identity;

import dev.parley.platform.roster.Roster;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.RequestScoped;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * The request's {@link Caller}, read once from the token quarkus-oidc validated. Inject this (it is request
 * scoped, so a singleton resource always sees the current request's caller) and call {@link #get()}.
 */
@RequestScoped
public class CurrentCaller {

    private final SecurityIdentity identity;
    private final AuthConfig config;
    private final Roster roster;
    private Caller caller;

    public CurrentCaller(SecurityIdentity identity, AuthConfig config, Roster roster) {
        this.identity = identity;
        this.config = config;
        this.roster = roster;
    }

    public Caller get() {
        if (caller == null) {
            if (identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken jwt)) {
                throw new AuthenticationFailedException("no token");
            }
            caller = CallerProducer.fromToken(jwt, config);
            roster.seen(caller);
        }
        return caller;
    }
}
