package dev.parley.gateway.service;

import dev.parley.gateway.config.GatewayConfig;
import dev.parley.gateway.domain.AuthFailure;
import dev.parley.gateway.domain.TokenCache;
import dev.parley.platform.identity.AuthConfig;
import dev.parley.platform.identity.Caller;
import dev.parley.platform.identity.CallerProducer;
import dev.parley.platform.roster.Roster;
import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.oidc.TenantIdentityProvider;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.time.Clock;
import java.time.Instant;

/**
 * Verifies an access token string the gateway got itself (header, WebSocket subprotocol, or a stream ticket) with
 * quarkus-oidc — signature, issuer, audience, expiry exactly as every service does — and reads the caller with the
 * platform's one reading of claims. A verified token is remembered until the earlier of its expiry and
 * {@code token-cache-ttl} (ADR 0017), so a client's next request or reconnect does not pay the RS256 check again.
 */
@ApplicationScoped
public class TokenVerifier {

    /** A verified token: who it speaks for and until when. */
    public record Verified(Caller caller, String token, Instant expiresAt) {
    }

    private final TenantIdentityProvider identities;
    private final AuthConfig authConfig;
    private final Roster roster;
    private final TokenCache<Verified> verified;

    public TokenVerifier(TenantIdentityProvider identities, AuthConfig authConfig, Roster roster,
                         GatewayConfig config) {
        this.identities = identities;
        this.authConfig = authConfig;
        this.roster = roster;
        this.verified = new TokenCache<>(config.tokenCacheSize(), config.tokenCacheTtl(), Clock.systemUTC());
    }

    /** Fails with {@link AuthFailure} (→ 401) for a missing, malformed, expired or foreign token. */
    public Uni<Verified> verify(String token) {
        if (token == null || token.isBlank() || token.length() > 16 * 1024) {
            return Uni.createFrom().failure(new AuthFailure("a bearer token is required"));
        }
        Verified known = verified.get(token);
        if (known != null) {
            roster.seen(known.caller());
            return Uni.createFrom().item(known);
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
                    Verified v = new Verified(caller, token, expiresAt);
                    verified.put(token, v, expiresAt);
                    return v;
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
