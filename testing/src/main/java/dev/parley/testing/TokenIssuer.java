package dev.parley.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * A small OpenID Connect issuer: discovery + JWKS over HTTP, and RS256 access tokens for humans and apps of any
 * tenant, plus the broken tokens the auth tests need (expired, wrong issuer, wrong audience, {@code alg: none},
 * signed by an unknown key). The tests and the local stack use this same issuer; the local stack also exposes
 * {@code POST /dev/token} (API.md §1) through it.
 */
public final class TokenIssuer implements AutoCloseable {

    public static final String AUDIENCE = "parley";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static TokenIssuer shared;

    private final HttpServer server;
    private final KeyPair keys;
    private final KeyPair strangerKeys;
    private final String keyId = "parley-dev-1";
    private final String issuer;
    private final boolean devTokenRoute;
    private volatile Duration ttl = Duration.ofHours(1);

    public TokenIssuer(int port, boolean devTokenRoute) {
        this.keys = rsa();
        this.strangerKeys = rsa();
        this.devTokenRoute = devTokenRoute;
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.issuer = "http://127.0.0.1:" + server.getAddress().getPort() + "/issuer";
        server.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "token-issuer");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/issuer/.well-known/openid-configuration", answered(this::discovery));
        server.createContext("/issuer/jwks", answered(this::jwks));
        server.createContext("/dev/token", answered(this::devToken));
        server.start();
    }

    /** One issuer per JVM, on a free port, with {@code /dev/token} enabled. */
    public static synchronized TokenIssuer shared() {
        if (shared == null) {
            shared = new TokenIssuer(0, true);
        }
        return shared;
    }

    /** The {@code iss} claim and the base of discovery ({@code quarkus.oidc.auth-server-url}). */
    public String issuer() {
        return issuer;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Lifetime of the tokens minted from now on. */
    public void ttl(Duration ttl) {
        this.ttl = ttl;
    }

    /** An access token for a human of a tenant. */
    public String user(String tenant, String sub, String name) {
        return sign(claims(tenant, sub, name, null, issuer, AUDIENCE, ttl), keys);
    }

    public String user(String tenant, String sub) {
        return user(tenant, sub, null);
    }

    /** An app token: it speaks for the agents {@code <app>:<slug>} of that app. */
    public String app(String tenant, String app) {
        return sign(claims(tenant, "app-" + app, null, app, issuer, AUDIENCE, ttl), keys);
    }

    /** A token that lives only {@code ttl}, to test expiry during an open stream. */
    public String userExpiringIn(String tenant, String sub, Duration ttl) {
        return sign(claims(tenant, sub, null, null, issuer, AUDIENCE, ttl), keys);
    }

    public String expired(String tenant, String sub) {
        JwtClaimsBuilder b = Jwt.issuer(issuer).subject(sub).audience(AUDIENCE).claim("tenant_id", tenant)
                .issuedAt(Instant.now().minusSeconds(3600)).expiresAt(Instant.now().minusSeconds(600));
        return b.jws().keyId(keyId).sign(keys.getPrivate());
    }

    public String wrongIssuer(String tenant, String sub) {
        return sign(claims(tenant, sub, null, null, "http://127.0.0.1:1/not-parley", AUDIENCE, ttl), keys);
    }

    public String wrongAudience(String tenant, String sub) {
        return sign(claims(tenant, sub, null, null, issuer, "someone-else", ttl), keys);
    }

    public String unknownKey(String tenant, String sub) {
        return sign(claims(tenant, sub, null, null, issuer, AUDIENCE, ttl), strangerKeys);
    }

    public String withoutTenant(String sub) {
        return Jwt.issuer(issuer).subject(sub).audience(AUDIENCE).expiresIn(ttl).jws().keyId(keyId)
                .sign(keys.getPrivate());
    }

    /** {@code alg: none}: a well-formed token with no signature at all. */
    public String unsigned(String tenant, String sub) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("iss", issuer);
        payload.put("sub", sub);
        payload.put("aud", AUDIENCE);
        payload.put("tenant_id", tenant);
        payload.put("exp", Instant.now().plusSeconds(600).getEpochSecond());
        try {
            return b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                    + b64.encodeToString(JSON.writeValueAsBytes(payload)) + ".";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private JwtClaimsBuilder claims(String tenant, String sub, String name, String app, String iss, String aud,
                                    Duration lifetime) {
        JwtClaimsBuilder b = Jwt.issuer(iss).subject(sub).audience(aud).claim("tenant_id", tenant)
                .issuedAt(Instant.now()).expiresIn(lifetime);
        if (name != null) {
            b.claim("name", name);
        }
        b.claim("preferred_username", sub);
        if (app != null) {
            b.claim("app_id", app);
        }
        return b;
    }

    private String sign(JwtClaimsBuilder claims, KeyPair pair) {
        return claims.jws().keyId(keyId).sign(pair.getPrivate());
    }

    private void discovery(HttpExchange exchange) throws IOException {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("issuer", issuer);
        doc.put("jwks_uri", issuer + "/jwks");
        doc.put("id_token_signing_alg_values_supported", List.of("RS256"));
        doc.put("subject_types_supported", List.of("public"));
        doc.put("response_types_supported", List.of("code"));
        respond(exchange, 200, doc);
    }

    private void jwks(HttpExchange exchange) throws IOException {
        RSAPublicKey pub = (RSAPublicKey) keys.getPublic();
        Map<String, Object> key = new LinkedHashMap<>();
        key.put("kty", "RSA");
        key.put("kid", keyId);
        key.put("use", "sig");
        key.put("alg", "RS256");
        key.put("n", base64Url(pub.getModulus()));
        key.put("e", base64Url(pub.getPublicExponent()));
        respond(exchange, 200, Map.of("keys", List.of(key)));
    }

    @SuppressWarnings("unchecked")
    private void devToken(HttpExchange exchange) throws IOException {
        if (!devTokenRoute) {
            respond(exchange, 404, Map.of("status", 404, "code", "request.not_found", "title", "Not found"));
            return;
        }
        if (!"POST".equals(exchange.getRequestMethod())) {
            respond(exchange, 405, Map.of("status", 405, "code", "request.method_not_allowed",
                    "title", "Method not allowed"));
            return;
        }
        Map<String, Object> body;
        try (InputStream in = exchange.getRequestBody()) {
            body = JSON.readValue(in.readNBytes(64 * 1024), Map.class);
        } catch (IOException | RuntimeException e) {
            respond(exchange, 400, Map.of("status", 400, "code", "request.malformed_json",
                    "title", "Malformed JSON", "detail", "the body must be a JSON object"));
            return;
        }
        Object tenant = body == null ? null : body.get("tenant");
        Object user = body == null ? null : body.get("user");
        Object app = body == null ? null : body.get("app");
        if (!(tenant instanceof String t) || t.isBlank() || (user == null) == (app == null)) {
            respond(exchange, 400, Map.of("status", 400, "code", "request.invalid", "title", "Invalid request",
                    "detail", "give a tenant and exactly one of user or app"));
            return;
        }
        String token = user != null
                ? user(t, String.valueOf(user), body.get("name") instanceof String n ? n : null)
                : app(t, String.valueOf(app));
        respond(exchange, 200, Map.of("access_token", token, "token_type", "Bearer",
                "expires_in", ttl.toSeconds()));
    }

    /** Every request gets an answer: a handler that fails answers 500 instead of leaving the client hanging. */
    private static com.sun.net.httpserver.HttpHandler answered(com.sun.net.httpserver.HttpHandler handler) {
        return exchange -> {
            try {
                handler.handle(exchange);
            } catch (Throwable t) {
                respond(exchange, 500, Map.of("status", 500, "code", "internal.error", "title", "Error",
                        "detail", "the token issuer failed: " + t));
            } finally {
                exchange.close();
            }
        };
    }

    private static void respond(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type",
                status >= 400 ? "application/problem+json" : "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String base64Url(BigInteger value) {
        byte[] bytes = value.toByteArray();
        if (bytes.length > 1 && bytes[0] == 0) {
            bytes = java.util.Arrays.copyOfRange(bytes, 1, bytes.length);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static KeyPair rsa() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
