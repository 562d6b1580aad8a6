package dev.parley.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.events.StreamName;
import dev.parley.gateway.support.Gw;
import dev.parley.gateway.support.RawWs;
import dev.parley.gateway.support.StubOwner;
import dev.parley.testing.WsTestClient;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.awaitility.Awaitility.await;

/** Abuse of the stream endpoints gets a clear answer and reaches nobody else (issue 23). */
@QuarkusTest
class HardeningTest {

    static final String TENANT = "acme";

    /**
     * Item 3: a same-tenant non-member who sends {@code subscribe} and {@code signal} in one TCP write must not reach
     * the session's members: only an authorized, started subscription carries typing and signal.
     */
    @Test
    void signalSentBeforeTheSubscriptionIsAuthorizedReachesNobody() throws Exception {
        StreamName session = StreamName.session(UUID.randomUUID());
        StubOwner.get().members(TENANT, session, "user:ada", "user:bob");
        try (WsTestClient bob = Gw.ws(Gw.issuer().user(TENANT, "bob", "Bob"));
             WsTestClient ada = Gw.ws(Gw.issuer().user(TENANT, "ada", "Ada"));
             RawWs mallory = RawWs.connect(Gw.port(), "/api/ws", Map.of("Authorization",
                     "Bearer " + Gw.issuer().user(TENANT, "mallory", "Mallory")), 0)) {
            bob.sendJson(Map.of("op", "subscribe", "stream", session.wire()));
            ada.sendJson(Map.of("op", "subscribe", "stream", session.wire()));
            await().until(() -> !Gw.ops(bob, "subscribed").isEmpty() && !Gw.ops(ada, "subscribed").isEmpty());
            assertThat(mallory.status()).isEqualTo(101);

            String subscribe = "{\"op\":\"subscribe\",\"stream\":\"" + session.wire() + "\"}";
            String signal = "{\"op\":\"signal\",\"stream\":\"" + session.wire() + "\",\"data\":{\"x\":\"mallory\"}}";
            String typing = "{\"op\":\"typing\",\"stream\":\"" + session.wire() + "\"}";
            mallory.sendTexts(subscribe, signal, typing, signal);

            // a member's signal afterwards is the marker: once bob has it, mallory's would have arrived before
            ada.sendJson(Map.of("op", "signal", "stream", session.wire(), "data", Map.of("x", "ada")));
            await().atMost(Duration.ofSeconds(15)).until(() -> !bob.events("signal").isEmpty());
            assertThat(bob.events("signal")).extracting(e -> e.path("data").path("data").path("x").asText())
                    .containsExactly("ada");
            assertThat(bob.events("typing")).isEmpty();
        }
    }

    /** Item 3: the same frames from a member before its `subscribed` reply get `stream.not_subscribed`. */
    @Test
    void typingBeforeSubscribedGetsStreamNotSubscribed() {
        StreamName room = StreamName.room(UUID.randomUUID());
        StubOwner.get().members(TENANT, room, "user:ada");
        try (WsTestClient ada = Gw.ws(Gw.issuer().user(TENANT, "ada", "Ada"))) {
            ada.sendJson(Map.of("op", "typing", "stream", room.wire()));
            await().until(() -> !Gw.ops(ada, "error").isEmpty());
            JsonNode error = Gw.ops(ada, "error").get(0);
            assertThat(error.path("code").asText()).isEqualTo("stream.not_subscribed");
            assertThat(error.path("stream").asText()).isEqualTo(room.wire());
            assertThat(ada.isClosed()).isFalse();
        }
    }

    /** Item 5: over 50 frames/s (bursts of 100) a frame gets `rate.limited`; a connection that keeps on is closed. */
    @Test
    void framesOverTheBudgetAreRefusedAndAFloodIsClosedWith1008() {
        try (WsTestClient ws = Gw.ws(Gw.issuer().user(TENANT, "flooder"))) {
            for (int i = 0; i < 150; i++) {
                ws.sendJson(Map.of("op", "ping"));
            }
            await().untilAsserted(() -> assertThat(Gw.ops(ws, "pong").size() + Gw.ops(ws, "error").size())
                    .as("%s", ws.frames().subList(Math.max(0, ws.frames().size() - 3), ws.frames().size()))
                    .isEqualTo(150));
            assertThat(Gw.ops(ws, "pong").size()).isBetween(100, 140);
            assertThat(Gw.ops(ws, "error")).allSatisfy(e -> assertThat(e.path("code").asText())
                    .isEqualTo("rate.limited"));
            assertThat(ws.isClosed()).isFalse();
            try {
                for (int i = 0; i < 400 && !ws.isClosed(); i++) {
                    ws.sendJson(Map.of("op", "ping"));
                }
            } catch (IllegalArgumentException closedWhileSending) {
                // the server closed the socket between two sends: what the flood is meant to cause
            }
            await().until(ws::isClosed);
            assertThat(ws.closeCode()).isEqualTo(1008);
        }
        // another connection of the same member has its own budget
        try (WsTestClient ws = Gw.ws(Gw.issuer().user(TENANT, "flooder"))) {
            ws.sendJson(Map.of("op", "ping"));
            await().until(() -> !Gw.ops(ws, "pong").isEmpty());
        }
    }

    /** Item 10: stream tickets are limited per member (30 per minute). */
    @Test
    void ticketIssuanceIsRateLimited() {
        String token = Gw.issuer().user(TENANT, "ticketer");
        for (int i = 0; i < 30; i++) {
            given().header("Authorization", "Bearer " + token).post(Gw.http() + "/api/stream-tickets").then()
                    .statusCode(201);
        }
        given().header("Authorization", "Bearer " + token).post(Gw.http() + "/api/stream-tickets").then()
                .statusCode(429).body("code", equalTo("rate.limited")).header("Retry-After", notNullValue());
    }

    /**
     * Item 7: a trailing slash is the same path for routes and limits; no other spelling of a limited path (a doubled
     * slash, a percent-encoded letter, dot segments) ever reaches an owner past the limit.
     */
    @Test
    void pathsAreNormalisedBeforeRoutingAndLimits() {
        String token = Gw.issuer().user(TENANT, "normaliser");
        given().header("Authorization", "Bearer " + token).get(Gw.http() + "/api/channel/messages/?limit=5").then()
                .statusCode(200).body("path", equalTo("/api/channel/messages")).body("query", equalTo("limit=5"));
        for (int i = 0; i < 20; i++) {
            given().header("Authorization", "Bearer " + token).contentType("application/json").body("{}")
                    .post(Gw.http() + (i % 2 == 0 ? "/api/channel/messages" : "/api/channel/messages/")).then()
                    .statusCode(201);
        }
        given().header("Authorization", "Bearer " + token).contentType("application/json").body("{}")
                .post(Gw.http() + "/api/channel/messages/").then().statusCode(429).body("code", equalTo("rate.limited"));
        for (String path : List.of("/api//channel/messages", "/api/%63hannel/messages", "/api/channel/./messages",
                "/api/channel/x/../messages", "/api/channel//messages/")) {
            int status = given().header("Authorization", "Bearer " + token).contentType("application/json")
                    .body("{}").post(Gw.http() + path).statusCode();
            assertThat(status).as(path).isIn(404, 429);
        }
    }

    /** Item 16: a chunked body over the cap gets the same 413 as one that declares its length. */
    @Test
    void aChunkedBodyOverTheCapIs413() throws Exception {
        String token = Gw.issuer().user(TENANT, "chunker");
        HttpRequest chunked = HttpRequest.newBuilder(Gw.uri("/api/sessions/x/live"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new ProxyTest.ZeroStream(3L * 1024 * 1024)))
                .build();
        for (HttpClient.Version version : HttpClient.Version.values()) {
            HttpResponse<String> response = HttpClient.newBuilder().version(version).build()
                    .send(chunked, HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as("%s", version).isEqualTo(413);
            assertThat(response.body()).contains("\"code\":\"request.too_large\"");
        }
        // a small chunked body still goes through
        HttpRequest small = HttpRequest.newBuilder(Gw.uri("/api/sessions/x/live"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(
                        "{\"a\":1}".getBytes()))).build();
        assertThat(HttpClient.newHttpClient().send(small, HttpResponse.BodyHandlers.ofString()).statusCode())
                .isEqualTo(200);
    }

    /** Item 19: REST answers CORS preflights for exactly the origins of the stream allow-list. */
    @Test
    void corsPreflightsAnswerOnlyAllowedOrigins() {
        given().header("Origin", "http://allowed.example").header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization,content-type,idempotency-key")
                .options(Gw.http() + "/api/channel/messages").then().statusCode(204)
                .header("Access-Control-Allow-Origin", "http://allowed.example")
                .header("Access-Control-Allow-Headers", org.hamcrest.Matchers.containsStringIgnoringCase("idempotency-key"));
        given().header("Origin", "http://allowed.example").header("Authorization", "Bearer "
                        + Gw.issuer().user(TENANT, "ada")).get(Gw.http() + "/api/channel/messages").then()
                .statusCode(200).header("Access-Control-Allow-Origin", "http://allowed.example")
                .header("Access-Control-Expose-Headers", org.hamcrest.Matchers.containsStringIgnoringCase("retry-after"));
        var evil = given().header("Origin", "http://evil.example").header("Access-Control-Request-Method", "POST")
                .options(Gw.http() + "/api/channel/messages");
        assertThat(evil.header("Access-Control-Allow-Origin")).isNull();
    }

    /**
     * Item 18: a member removed while this gateway never saw {@code member.removed} (a consumer restart) loses the
     * room at the next periodic re-authorization (2 s in tests, 60 s by default); the others keep it.
     */
    @Test
    void aRemovalTheGatewayMissedEndsTheSubscriptionAtTheNextReauthorization() {
        StreamName room = StreamName.room(UUID.randomUUID());
        StubOwner.get().members(TENANT, room, "user:ada", "user:bob");
        try (WsTestClient ada = Gw.ws(Gw.issuer().user(TENANT, "ada", "Ada"));
             WsTestClient bob = Gw.ws(Gw.issuer().user(TENANT, "bob", "Bob"))) {
            ada.sendJson(Map.of("op", "subscribe", "stream", room.wire()));
            bob.sendJson(Map.of("op", "subscribe", "stream", room.wire()));
            await().until(() -> !Gw.ops(ada, "subscribed").isEmpty() && !Gw.ops(bob, "subscribed").isEmpty());
            // removed at the owner, and no event about it ever reaches the gateway
            StubOwner.get().removeMember(TENANT, room, "user:ada");
            await().atMost(Duration.ofSeconds(15)).until(ada::isClosed);
            assertThat(ada.closeCode()).isEqualTo(1008);
            // bob has been re-authorized at least as often and is still there
            assertThat(bob.isClosed()).isFalse();
        }
    }

    /**
     * Item 2: a socket that subscribes to its maximum of streams from seq 0 on long logs and never reads is paced by
     * its outbound bound and ends with 1013 (counted as a slow consumer), while a reader on the same streams gets
     * every event.
     */
    @Test
    void aReplayNobodyReadsEndsWith1013AndOthersGetEverything() throws Exception {
        String padding = "r".repeat(200);
        List<StreamName> rooms = new java.util.ArrayList<>();
        for (int r = 0; r < 5; r++) {
            StreamName room = StreamName.room(UUID.randomUUID());
            StubOwner.get().members(TENANT, room, "user:hoarder", "user:reader");
            for (int i = 1; i <= 5000; i++) {
                StubOwner.get().appendUnpublished(dev.parley.events.StreamKey.of(TENANT, room), "message.created",
                        Map.of("text", padding, "n", i));
            }
            rooms.add(room);
        }
        double before = SlowConsumerTest.slowDisconnects();
        try (RawWs hoarder = RawWs.connect(Gw.port(), "/api/ws", Map.of("Sec-WebSocket-Protocol",
                "parley.v1, bearer." + Gw.issuer().user(TENANT, "hoarder")), 4096);
             WsTestClient reader = Gw.ws(Gw.issuer().user(TENANT, "reader"))) {
            assertThat(hoarder.status()).isEqualTo(101);
            String[] frames = rooms.stream().map(room -> "{\"op\":\"subscribe\",\"stream\":\"" + room.wire()
                    + "\",\"after\":0}").toArray(String[]::new);
            hoarder.sendTexts(frames);
            await().atMost(Duration.ofSeconds(60)).until(() -> SlowConsumerTest.slowDisconnects() >= before + 1);

            reader.sendJson(Map.of("op", "subscribe", "stream", rooms.get(0).wire(), "after", 0));
            await().atMost(Duration.ofSeconds(60)).until(() -> Gw.seqs(reader, rooms.get(0).wire()).size() >= 5000);
            assertThat(Gw.seqs(reader, rooms.get(0).wire()))
                    .isEqualTo(java.util.stream.LongStream.rangeClosed(1, 5000).boxed().toList());
        }
    }
}
