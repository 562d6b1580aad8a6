package dev.parley.gateway.support;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.testing.ParleyTestResources;
import dev.parley.testing.SseTestClient;
import dev.parley.testing.TokenIssuer;
import dev.parley.testing.WsTestClient;
import org.eclipse.microprofile.config.ConfigProvider;

import java.net.URI;
import java.util.List;
import java.util.Map;

/** Helpers for tests against the gateway under test. */
public final class Gw {

    private Gw() {
    }

    public static int port() {
        return ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
    }

    public static String http() {
        return "http://127.0.0.1:" + port();
    }

    public static URI uri(String path) {
        return URI.create(http() + path);
    }

    public static TokenIssuer issuer() {
        return ParleyTestResources.issuer();
    }

    public static Map<String, String> bearer(String token) {
        return Map.of("Authorization", "Bearer " + token);
    }

    public static WsTestClient ws(String token) {
        return WsTestClient.connect(URI.create("ws://127.0.0.1:" + port() + "/api/ws"), bearer(token), "parley.v1");
    }

    public static SseTestClient sse(String path, String token) {
        return SseTestClient.open(uri(path), bearer(token));
    }

    /** Durable event envelopes with the given stream, in arrival order. */
    public static List<Long> seqs(WsTestClient ws, String stream) {
        return ws.frames(f -> stream.equals(f.path("stream").asText()) && f.hasNonNull("seq")
                && !f.has("op")).stream().map(f -> f.get("seq").asLong()).toList();
    }

    public static List<Long> seqs(SseTestClient sse) {
        return sse.events(e -> e.id() != null).stream().map(e -> Long.parseLong(e.id())).toList();
    }

    public static List<JsonNode> ops(WsTestClient ws, String op) {
        return ws.frames(f -> op.equals(f.path("op").asText()));
    }
}
