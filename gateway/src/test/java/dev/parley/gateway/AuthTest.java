package dev.parley.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.events.Json;
import dev.parley.events.StreamName;
import dev.parley.gateway.service.StreamTickets;
import dev.parley.gateway.support.Gw;
import dev.parley.gateway.support.RawWs;
import dev.parley.gateway.support.StubOwner;
import dev.parley.testing.SseTestClient;
import dev.parley.testing.WsTestClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/** Every way a stream or request can fail authentication or authorization (API.md §1–2). */
@QuarkusTest
class AuthTest {

    static final String TENANT = "acme";

    @Inject
    StreamTickets tickets;

    static String problemCode(SseTestClient sse) {
        return Json.read(sse.errorBody(), JsonNode.class).path("code").asText();
    }

    @Test
    void noTokenIs401Everywhere() throws Exception {
        given().get(Gw.http() + "/api/channel/messages").then().statusCode(401)
                .contentType("application/problem+json").body("code", equalTo("auth.unauthorized"));
        given().post(Gw.http() + "/api/stream-tickets").then().statusCode(401)
                .body("code", equalTo("auth.unauthorized"));
        SseTestClient sse = SseTestClient.open(Gw.uri("/api/channel/stream"), Map.of());
        assertThat(sse.status()).isEqualTo(401);
        assertThat(problemCode(sse)).isEqualTo("auth.unauthorized");
        try (RawWs ws = RawWs.connect(Gw.port(), "/api/ws", Map.of("Sec-WebSocket-Protocol", "parley.v1"), 0)) {
            assertThat(ws.status()).isEqualTo(401);
        }
    }

    @Test
    void expiredForeignAndUnsignedTokensAre401() throws Exception {
        for (String token : new String[]{Gw.issuer().expired(TENANT, "ada"), Gw.issuer().wrongAudience(TENANT, "ada"),
                Gw.issuer().unknownKey(TENANT, "ada"), Gw.issuer().unsigned(TENANT, "ada"),
                Gw.issuer().withoutTenant("ada"), "not-a-jwt"}) {
            given().header("Authorization", "Bearer " + token).get(Gw.http() + "/api/channel/messages").then()
                    .statusCode(401).body("code", equalTo("auth.unauthorized"));
            assertThat(Gw.sse("/api/channel/stream", token).status()).isEqualTo(401);
            try (RawWs ws = RawWs.connect(Gw.port(), "/api/ws", Gw.bearer(token), 0)) {
                assertThat(ws.status()).isEqualTo(401);
            }
        }
    }

    @Test
    void theTokenMayTravelAsAWebSocketSubprotocolAndOnlyParleyV1IsEchoed() {
        String token = Gw.issuer().user(TENANT, "ada");
        try (WsTestClient ws = WsTestClient.connect(URI.create("ws://127.0.0.1:" + Gw.port() + "/api/ws"), Map.of(),
                "parley.v1", "bearer." + token)) {
            assertThat(ws.subprotocol()).isEqualTo("parley.v1");
            ws.sendJson(Map.of("op", "ping"));
            await().until(() -> !Gw.ops(ws, "pong").isEmpty());
        }
    }

    @Test
    void ticketsAreSingleUseAndExpire() throws Exception {
        String token = Gw.issuer().user(TENANT, "ada");
        Response issued = given().header("Authorization", "Bearer " + token).post(Gw.http() + "/api/stream-tickets");
        assertThat(issued.statusCode()).isEqualTo(201);
        String ticket = issued.jsonPath().getString("ticket");
        Instant expiresAt = Instant.parse(issued.jsonPath().getString("expiresAt"));
        assertThat(expiresAt).isBetween(Instant.now().plusSeconds(20), Instant.now().plusSeconds(31));

        try (SseTestClient sse = SseTestClient.open(Gw.uri("/api/channel/stream?ticket=" + ticket), Map.of())) {
            assertThat(sse.status()).isEqualTo(200);
        }
        SseTestClient reused = SseTestClient.open(Gw.uri("/api/channel/stream?ticket=" + ticket), Map.of());
        assertThat(reused.status()).isEqualTo(401);
        assertThat(problemCode(reused)).isEqualTo("auth.unauthorized");

        String expired = tickets.issueExpiringAt(token, Instant.now().minusSeconds(1));
        assertThat(SseTestClient.open(Gw.uri("/api/channel/stream?ticket=" + expired), Map.of()).status())
                .isEqualTo(401);
        assertThat(SseTestClient.open(Gw.uri("/api/channel/stream?ticket=bm90LWEtdGlja2V0"), Map.of()).status())
                .isEqualTo(401);

        // a ticket opens a WebSocket too, once
        String wsTicket = given().header("Authorization", "Bearer " + token).post(Gw.http() + "/api/stream-tickets")
                .jsonPath().getString("ticket");
        try (WsTestClient ws = WsTestClient.connect(URI.create("ws://127.0.0.1:" + Gw.port() + "/api/ws?ticket="
                + wsTicket), Map.of(), "parley.v1")) {
            ws.sendJson(Map.of("op", "ping"));
            await().until(() -> !Gw.ops(ws, "pong").isEmpty());
        }
        try (RawWs ws = RawWs.connect(Gw.port(), "/api/ws?ticket=" + wsTicket, Map.of(), 0)) {
            assertThat(ws.status()).isEqualTo(401);
        }
    }

    @Test
    void aBrowserOriginOutsideTheAllowListIs403() throws Exception {
        String token = Gw.issuer().user(TENANT, "ada");
        SseTestClient evil = SseTestClient.open(Gw.uri("/api/channel/stream"),
                Map.of("Authorization", "Bearer " + token, "Origin", "https://evil.example"));
        assertThat(evil.status()).isEqualTo(403);
        assertThat(problemCode(evil)).isEqualTo("auth.origin_forbidden");
        try (RawWs ws = RawWs.connect(Gw.port(), "/api/ws", Map.of("Origin", "https://evil.example",
                "Sec-WebSocket-Protocol", "parley.v1, bearer." + token), 0)) {
            assertThat(ws.status()).isEqualTo(403);
        }
        try (RawWs ws = RawWs.connect(Gw.port(), "/api/ws", Map.of("Origin", "http://allowed.example",
                "Sec-WebSocket-Protocol", "parley.v1, bearer." + token), 0)) {
            assertThat(ws.status()).isEqualTo(101);
            assertThat(ws.head()).containsIgnoringCase("sec-websocket-protocol: parley.v1\r\n");
        }
        try (SseTestClient ok = SseTestClient.open(Gw.uri("/api/channel/stream"),
                Map.of("Authorization", "Bearer " + token, "Origin", "http://allowed.example"))) {
            assertThat(ok.status()).isEqualTo(200);
        }
    }

    @Test
    void aRoomTheCallerIsNotInOrOfAnotherTenantIsNotFound() {
        StreamName room = StreamName.room(UUID.randomUUID());
        StubOwner.get().members(TENANT, room, "user:bob");
        for (String token : new String[]{Gw.issuer().user(TENANT, "ada"), Gw.issuer().user("globex", "bob")}) {
            try (WsTestClient ws = Gw.ws(token)) {
                ws.sendJson(Map.of("op", "subscribe", "stream", room.wire()));
                await().until(() -> !Gw.ops(ws, "error").isEmpty());
                JsonNode error = Gw.ops(ws, "error").get(0);
                assertThat(error.path("code").asText()).isEqualTo("request.not_found");
                assertThat(error.path("stream").asText()).isEqualTo(room.wire());
                assertThat(ws.isClosed()).isFalse();
            }
            SseTestClient sse = Gw.sse("/api/agent-rooms/" + room.id() + "/stream", token);
            assertThat(sse.status()).isEqualTo(404);
            assertThat(problemCode(sse)).isEqualTo("request.not_found");
        }
        // the inbox is an app's stream: a human gets 404
        assertThat(Gw.sse("/api/agents/inbox/stream", Gw.issuer().user(TENANT, "ada")).status()).isEqualTo(404);
        assertThat(Gw.sse("/api/agent-rooms/not-a-uuid/stream", Gw.issuer().user(TENANT, "ada")).status())
                .isEqualTo(404);
    }
}
