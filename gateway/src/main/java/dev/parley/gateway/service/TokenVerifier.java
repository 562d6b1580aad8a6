package dev.parley.gateway.service;

import dev.parley.gateway.domain.AuthFailure;
import dev.parley.platform.identity.AuthConfig;
import dev.parley.platform.identity.Caller;
import dev.parley.platform.identity.CallerProducer;
import dev.parley.platform.roster.Roster;
import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.oidc.TenantIdentityProvider;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.time.Instant;

/**
 * Verifies an access token string the gateway got itself (header, WebSocket subprotocol, or a stream ticket) with
 * quarkus-oidc — signature, issuer, audience, expiry exactly as every service does — and reads the caller with the
 * platform's one reading of claims.
 */
@ApplicationScoped
public class TokenVerifier {

    /** A verified token: who it speaks for and until when. */
    public record Verified(Caller caller, String token, Instant expiresAt) {
    }

    private final TenantIdentityProvider identities;
    private final AuthConfig authConfig;
    private final Roster roster;

    public TokenVerifier(TenantIdentityProvider identities, AuthConfig authConfig, Roster roster) {
        this.identities = identities;
        this.authConfig = authConfig;
        this.roster = roster;
    }

    /** Fails with {@link AuthFailure} (→ 401) for a missing, malformed, expired or foreign token. */
    public Uni<Verified> verify(String token) {
        if (token == null || token.isBlank() || token.length() > 16 * 1024) {
            return Uni.createFrom().failure(new AuthFailure("a bearer token is required"));
        }
        return identities.authenticate(new AccessTokenCredential(token))
                .onFailure().transform(e -> new AuthFailure("invalid token"))
                .map(identity -> {
                    if (identity == null || !(identity.getPrincipal() instanceof JsonWebToken jwt)) {
                        throw new AuthFailure("invalid token");
                    }
                    Caller caller;
                    try {
                        caller = CallerProducer.fromToken(jwt, authConfig);
                    } catch (RuntimeException e) {
                        throw new AuthFailure("the token names no valid tenant or subject");
                    }
                    long exp = jwt.getExpirationTime();
                    Instant expiresAt = exp > 0 ? Instant.ofEpochSecond(exp) : Instant.now().plusSeconds(3600);
                    roster.seen(caller);
                    return new Verified(caller, token, expiresAt);
                });
    }

    /** The token of an {@code Authorization: Bearer} header, or null. */
    public static String bearer(String header) {
        if (header == null) {
            return null;
        }
        String h = header.trim();
        if (h.length() > 7 && h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return h.substring(7).trim();
        }
        return null;
    }
}
