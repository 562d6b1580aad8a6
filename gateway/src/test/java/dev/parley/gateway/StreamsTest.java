package dev.parley.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.events.Envelope;
import dev.parley.events.Json;
import dev.parley.events.StreamKey;
import dev.parley.events.StreamName;
import dev.parley.events.payload.RoomMember;
import dev.parley.events.payload.Typing;
import dev.parley.gateway.support.Gw;
import dev.parley.gateway.support.StubOwner;
import dev.parley.testing.SseTestClient;
import dev.parley.testing.WsTestClient;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Delivery, order, resume, gap fill, reset, typing, presence and membership loss over WebSocket and SSE. */
@QuarkusTest
class StreamsTest {

    static final String TENANT = "acme";

    static StubOwner stub() {
        return StubOwner.get();
    }

    static List<Long> range(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }

    static StreamName newRoom(String... members) {
        StreamName room = StreamName.room(UUID.randomUUID());
        stub().members(TENANT, room, members);
        return room;
    }

    static Map<String, Object> msg(int i) {
        return Map.of("text", "message " + i);
    }

    @Test
    void webSocketAndSseSubscribersGetEveryEventInOrder() {
        StreamName room = newRoom("user:ada", "user:bob");
        StreamKey key = StreamKey.of(TENANT, room);
        try (WsTestClient ws = Gw.ws(Gw.issuer().user(TENANT, "ada", "Ada"));
             SseTestClient sse = Gw.sse("/api/agent-rooms/" + room.id() + "/stream",
                     Gw.issuer().user(TENANT, "bob", "Bob"))) {
            assertThat(sse.status()).isEqualTo(200);
            assertThat(sse.header("content-type")).startsWith("text/event-stream");
            ws.sendJson(Map.of("op", "subscribe", "stream", room.wire()));
            await().until(() -> !Gw.ops(ws, "subscribed").isEmpty());
            assertThat(Gw.ops(ws, "subscribed").get(0).get("head").asLong()).isZero();
            for (int i = 1; i <= 30; i++) {
                stub().append(key, "message.created", msg(i));
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> Gw.seqs(ws, room.wire()).size() >= 30
                    && Gw.seqs(sse).size() >= 30);
            assertThat(Gw.seqs(ws, room.wire())).isEqualTo(range(1, 30));
            assertThat(Gw.seqs(sse)).isEqualTo(range(1, 30));
            assertThat(sse.events("message.created").get(4).data().path("data").path("text").asText())
                    .isEqualTo("message 5");
        }
    }

    @Test
    void aClientOfferingPermessageDeflateGetsEveryEventIntact() throws Exception {
        // browsers offer permessage-deflate; live events bypass Vert.x's frame encoder (ADR 0016), so this checks the
        // frames such a client decodes
        StreamName room = newRoom("user:ada");
        StreamKey key = StreamKey.of(TENANT, room);
        Vertx vertx = Vertx.vertx();
        try {
            List<String> texts = new CopyOnWriteArrayList<>();
            WebSocket socket = vertx.createWebSocketClient(new WebSocketClientOptions()
                            .setTryUsePerMessageCompression(true))
                    .connect(new WebSocketConnectOptions().setPort(Gw.port()).setHost("localhost")
                            .setURI("/api/ws").addSubProtocol("parley.v1").setAllowOriginHeader(false)
                            .addHeader("Authorization", "Bearer " + Gw.issuer().user(TENANT, "ada", "Ada")))
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            socket.textMessageHandler(texts::add);
            socket.writeTextMessage("{\"op\":\"subscribe\",\"stream\":\"" + room.wire() + "\"}");
            await().until(() -> texts.stream().anyMatch(t -> t.contains("\"subscribed\"")));
            for (int i = 1; i <= 20; i++) {
                stub().append(key, "message.created", msg(i));
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> texts.stream()
                    .filter(t -> t.contains("message.created")).count() >= 20);
            List<JsonNode> events = texts.stream().map(t -> Json.read(t, JsonNode.class))
                    .filter(n -> "message.created".equals(n.path("type").asText())).toList();
            assertThat(events).extracting(n -> n.path("seq").asLong()).isEqualTo(range(1, 20));
            assertThat(events.get(19).path("data").path("text").asText()).isEqualTo("message 20");
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void resumeAfterReconnectHasNoGapAndNoDuplicate() {
        StreamName room = newRoom("user:ada");
        StreamKey key = StreamKey.of(TENANT, room);
        String token = Gw.issuer().user(TENANT, "ada", "Ada");
        for (int i = 1; i <= 5; i++) {
            stub().append(key, "message.created", msg(i));
        }
        long last;
        try (WsTestClient ws = Gw.ws(token)) {
            ws.sendJson(Map.of("op", "subscribe", "stream", room.wire(), "after", 2));
            await().until(() -> Gw.seqs(ws, room.wire()).size() >= 3);
            for (int i = 6; i <= 8; i++) {
                stub().append(key, "message.created", msg(i));
            }
            await().until(() -> Gw.seqs(ws, room.wire()).size() >= 6);
            assertThat(Gw.seqs(ws, room.wire())).isEqualTo(range(3, 8));
            last = 8;
        }
        for (int i = 9; i <= 12; i++) {
            stub().append(key, "message.created", msg(i));
        }
        try (WsTestClient ws = Gw.ws(token)) {
            ws.sendJson(Map.of("op", "subscribe", "stream", room.wire(), "after", last));
            await().until(() -> Gw.seqs(ws, room.wire()).size() >= 4);
            for (int i = 13; i <= 15; i++) {
                stub().append(key, "message.created", msg(i));
            }
            await().until(() -> Gw.seqs(ws, room.wire()).size() >= 7);
            assertThat(Gw.seqs(ws, room.wire())).isEqualTo(range(9, 15));
        }
        // SSE: Last-Event-ID on reconnect, as EventSource does
        String path = "/api/agent-rooms/" + room.id() + "/stream?after=13";
        SseTestClient sse = Gw.sse(path, token);
        await().until(() -> Gw.seqs(sse).size() >= 2);
        assertThat(Gw.seqs(sse)).isEqualTo(range(14, 15));
        stub().append(key, "message.created", msg(16));
        await().until(() -> Gw.seqs(sse).size() >= 3);
        stub().append(key, "message.created", msg(17)); // may or may not arrive before the reconnect
        SseTestClient again = sse.reconnect(Gw.uri("/api/agent-rooms/" + room.id() + "/stream"),
                Gw.bearer(token));
        try (again) {
            stub().append(key, "message.created", msg(18));
            await().until(() -> !Gw.seqs(again).isEmpty() && Gw.seqs(again).getLast() == 18);
            List<Long> all = new java.util.ArrayList<>(Gw.seqs(sse));
            all.addAll(Gw.seqs(again));
            assertThat(all).isEqualTo(range(14, 18));
        }
    }

    @Test
    void aLiveGapIsFilledFromTheLogAndATooOldPositionGetsOneReset() {
        StreamName room = newRoom("user:ada");
        StreamKey key = StreamKey.of(TENANT, room);
        try (WsTestClient ws = Gw.ws(Gw.issuer().user(TENANT, "ada"))) {
            ws.sendJson(Map.of("op", "subscribe", "stream", room.wire()));
            await().until(() -> !Gw.ops(ws, "subscribed").isEmpty());
            stub().append(key, "message.created", msg(1));
            stub().appendUnpublished(key, "message.created", msg(2)); // lost on the live path
            stub().append(key, "message.created", msg(3));
            await().until(() -> Gw.seqs(ws, room.wire()).size() >= 3);
            assertThat(Gw.seqs(ws, room.wire())).isEqualTo(range(1, 3));
        }
        stub().trim(key, 3);
        try (WsTestClient ws = Gw.ws(Gw.issuer().user(TENANT, "ada"))) {
            ws.sendJson(Map.of("op", "subscribe", "stream", room.wire(), "after", 0));
            await().until(() -> !ws.events("reset").isEmpty());
            JsonNode reset = ws.events("reset").get(0);
            assertThat(reset.path("stream").asText()).isEqualTo(room.wire());
            assertThat(reset.path("data").path("earliest").asLong()).isEqualTo(3);
            assertThat(reset.path("data").path("head").asLong()).isEqualTo(3);
            stub().append(key, "message.created", msg(4));
            await().until(() -> Gw.seqs(ws, room.wire()).contains(4L));
            assertThat(Gw.seqs(ws, room.wire())).containsExactly(4L);
        }
    }

    @Test
    void malformedFramesGetErrorFramesAndTheSocketStaysUsable() {
        try (WsTestClient ws = Gw.ws(Gw.issuer().user(TENANT, "ada"))) {
            ws.send("this is not json");
            ws.send("[1,2]");
            ws.sendJson(Map.of("op", "dance"));
            ws.sendJson(Map.of("op", "subscribe", "stream", "room:not-a-uuid"));
            ws.sendJson(Map.of("op", "subscribe", "stream", "weather"));
            ws.sendJson(Map.of("op", "subscribe", "stream", "channel", "after", "yesterday"));
            ws.sendJson(Map.of("op", "subscribe", "stream", "inbox"));
            ws.sendJson(Map.of("op", "ping"));
            await().until(() -> !Gw.ops(ws, "pong").isEmpty());
            List<String> codes = Gw.ops(ws, "error").stream().map(f -> f.path("code").asText()).toList();
            assertThat(codes).containsExactly("request.malformed_json", "request.malformed_json",
                    "request.invalid", "stream.invalid", "stream.invalid", "request.invalid", "stream.invalid");
            assertThat(Gw.ops(ws, "error").get(3).path("stream").asText()).isEqualTo("room:not-a-uuid");
            assertThat(ws.isClosed()).isFalse();
            // a frame over the 64 KiB limit closes with 1009
            ws.send("{\"op\":\"ping\",\"pad\":\"" + "x".repeat(70 * 1024) + "\"}");
            await().until(ws::isClosed);
            assertThat(ws.closeCode()).isEqualTo(1009);
        }
    }

    @Test
    void typingReachesOthersButIsNeverEchoedToTheSender() {
        try (WsTestClient ada = Gw.ws(Gw.issuer().user(TENANT, "ada", "Ada"));
             WsTestClient bob = Gw.ws(Gw.issuer().user(TENANT, "bob", "Bob"))) {
            ada.sendJson(Map.of("op", "subscribe", "stream", "channel"));
            bob.sendJson(Map.of("op", "subscribe", "stream", "channel"));
            await().until(() -> !Gw.ops(ada, "subscribed").isEmpty() && !Gw.ops(bob, "subscribed").isEmpty());
            ada.sendJson(Map.of("op", "typing", "stream", "channel"));
            await().atMost(Duration.ofSeconds(15)).until(() -> !bob.events("typing").isEmpty());
            JsonNode typing = bob.events("typing").get(0);
            assertThat(typing.path("stream").asText()).isEqualTo("channel");
            assertThat(typing.path("data").path("ref").asText()).isEqualTo("user:ada");
            assertThat(typing.path("data").path("name").asText()).isEqualTo("Ada");
            assertThat(typing.has("seq")).isFalse();
            // a marker after it proves ada's stream went past the moment the typing event was fanned out
            stub().publishEphemeral(StreamKey.of(TENANT, StreamName.CHANNEL), Envelope.ephemeral("channel", "typing",
                    Instant.now(), new Typing("user:carol", "Carol")), "user:carol");
            await().until(() -> !ada.events("typing").isEmpty());
            assertThat(ada.events("typing")).extracting(f -> f.path("data").path("ref").asText())
                    .containsExactly("user:carol");
            // typing on a stream the connection has not subscribed to is refused (a room the caller is not in too)
            StreamName room = newRoom("user:bob");
            ada.sendJson(Map.of("op", "typing", "stream", room.wire()));
            await().until(() -> !Gw.ops(ada, "error").isEmpty());
            assertThat(Gw.ops(ada, "error").get(0).path("code").asText()).isEqualTo("stream.not_subscribed");
        }
    }

    @Test
    void theWritersLiveTurnReachesTheirOtherTabs() {
        StreamName session = StreamName.session(UUID.randomUUID());
        stub().members(TENANT, session, "user:ada", "user:bob");
        StreamKey key = StreamKey.of(TENANT, session);
        try (WsTestClient adaTab = Gw.ws(Gw.issuer().user(TENANT, "ada", "Ada"));
             WsTestClient adaPhone = Gw.ws(Gw.issuer().user(TENANT, "ada", "Ada"));
             SseTestClient adaSse = Gw.sse("/api/sessions/" + session.id() + "/stream",
                     Gw.issuer().user(TENANT, "ada"));
             WsTestClient bob = Gw.ws(Gw.issuer().user(TENANT, "bob", "Bob"))) {
            for (WsTestClient ws : List.of(adaTab, adaPhone, bob)) {
                ws.sendJson(Map.of("op", "subscribe", "stream", session.wire()));
            }
            await().until(() -> Gw.ops(adaTab, "subscribed").size() + Gw.ops(adaPhone, "subscribed").size()
                    + Gw.ops(bob, "subscribed").size() == 3);
            // ada's turn writes a snapshot (origin: ada); every tab of hers sees it, not only bob
            stub().publishEphemeral(key, Envelope.ephemeral(session.wire(), "live.updated", Instant.now(),
                    Map.of("turnId", "t1", "status", "running", "text", "half an answer")), "user:ada");
            await().until(() -> !adaTab.events("live.updated").isEmpty() && !adaPhone.events("live.updated").isEmpty()
                    && !bob.events("live.updated").isEmpty() && !adaSse.events("live.updated").isEmpty());
            assertThat(adaPhone.events("live.updated").get(0).path("data").path("text").asText())
                    .isEqualTo("half an answer");
        }
    }

    @Test
    void anAppsOwnTypingIsNotEchoedToIt() {
        StreamName room = newRoom("user:ada", "marketing:cmo");
        try (WsTestClient app = Gw.ws(Gw.issuer().app(TENANT, "marketing"));
             WsTestClient ada = Gw.ws(Gw.issuer().user(TENANT, "ada", "Ada"))) {
            app.sendJson(Map.of("op", "subscribe", "stream", room.wire()));
            ada.sendJson(Map.of("op", "subscribe", "stream", room.wire()));
            await().until(() -> !Gw.ops(app, "subscribed").isEmpty() && !Gw.ops(ada, "subscribed").isEmpty());
            app.sendJson(Map.of("op", "typing", "stream", room.wire(), "as", "cmo"));
            await().atMost(Duration.ofSeconds(15)).until(() -> !ada.events("typing").isEmpty());
            assertThat(ada.events("typing").get(0).path("data").path("ref").asText()).isEqualTo("marketing:cmo");
            // a marker after it: the app sees someone else's typing, never its agent's own
            stub().publishEphemeral(StreamKey.of(TENANT, room), Envelope.ephemeral(room.wire(), "typing",
                    Instant.now(), new Typing("user:ada", "Ada")), "user:ada");
            await().until(() -> !app.events("typing").isEmpty());
            assertThat(app.events("typing")).extracting(f -> f.path("data").path("ref").asText())
                    .containsExactly("user:ada");
        }
    }

    @Test
    void presenceStreamOpensWithTheSnapshotThenChangesOfTheTenantOnly() {
        try (SseTestClient sse = Gw.sse("/api/presence/stream", Gw.issuer().user(TENANT, "ada"));
             WsTestClient other = Gw.ws(Gw.issuer().user("globex", "zed"))) {
            other.sendJson(Map.of("op", "subscribe", "stream", "presence"));
            await().until(() -> !sse.events("presence.snapshot").isEmpty() && !other.events("presence.snapshot")
                    .isEmpty());
            stub().publishPresenceChange(TENANT, "user:bob", Envelope.ephemeral("presence", "presence.changed",
                    Instant.now(), Map.of("ref", "user:bob", "name", "Bob", "status", "online")));
            await().until(() -> !sse.events("presence.changed").isEmpty());
            assertThat(sse.events().get(0).type()).isEqualTo("presence.snapshot");
            assertThat(sse.events("presence.changed").get(0).data().path("data").path("ref").asText())
                    .isEqualTo("user:bob");
            assertThat(other.events("presence.changed")).isEmpty();
        }
    }

    @Test
    void aRemovedMemberLosesTheStreamAtOnce() {
        StreamName room = newRoom("user:ada", "user:bob");
        StreamKey key = StreamKey.of(TENANT, room);
        try (WsTestClient ada = Gw.ws(Gw.issuer().user(TENANT, "ada"));
             WsTestClient bob = Gw.ws(Gw.issuer().user(TENANT, "bob"));
             SseTestClient adaSse = Gw.sse("/api/agent-rooms/" + room.id() + "/stream",
                     Gw.issuer().user(TENANT, "ada"))) {
            ada.sendJson(Map.of("op", "subscribe", "stream", room.wire()));
            bob.sendJson(Map.of("op", "subscribe", "stream", room.wire()));
            await().until(() -> !Gw.ops(ada, "subscribed").isEmpty() && !Gw.ops(bob, "subscribed").isEmpty());
            stub().removeMember(TENANT, room, "user:ada");
            stub().append(key, "member.removed", new RoomMember("user:ada", "Ada", "human", "user:bob", Instant.now()));
            await().until(() -> ada.isClosed() && adaSse.ended());
            assertThat(ada.closeCode()).isEqualTo(1008);
            stub().append(key, "message.created", msg(2));
            await().until(() -> Gw.seqs(bob, room.wire()).size() >= 2);
            assertThat(bob.isClosed()).isFalse();
            // and cannot subscribe again
            try (WsTestClient again = Gw.ws(Gw.issuer().user(TENANT, "ada"))) {
                again.sendJson(Map.of("op", "subscribe", "stream", room.wire()));
                await().until(() -> !Gw.ops(again, "error").isEmpty());
                assertThat(Gw.ops(again, "error").get(0).path("code").asText()).isEqualTo("request.not_found");
            }
        }
    }

    @Test
    void aRevokedShareEndsTheSessionSubscription() {
        StreamName session = StreamName.session(UUID.randomUUID());
        stub().members(TENANT, session, "user:ada");
        try (WsTestClient ada = Gw.ws(Gw.issuer().user(TENANT, "ada"))) {
            ada.sendJson(Map.of("op", "subscribe", "stream", "me"));
            ada.sendJson(Map.of("op", "subscribe", "stream", session.wire()));
            await().until(() -> Gw.ops(ada, "subscribed").size() >= 2);
            stub().append(StreamKey.me(TENANT, "user:ada"), "share.revoked",
                    Map.of("seq", 1, "kind", "revoked", "sessionId", session.id().toString()));
            await().until(ada::isClosed);
            assertThat(ada.closeCode()).isEqualTo(1008);
            assertThat(ada.events("share.revoked")).hasSize(1);
        }
    }

    @Test
    void aTokenThatExpiresClosesTheStream() {
        String token = Gw.issuer().userExpiringIn(TENANT, "ada", Duration.ofSeconds(3));
        try (WsTestClient ws = Gw.ws(token)) {
            SseTestClient sse = Gw.sse("/api/channel/stream", token);
            await().atMost(Duration.ofSeconds(15)).until(() -> ws.isClosed() && sse.ended());
            assertThat(ws.closeCode()).isEqualTo(1008);
        }
    }

    @Test
    void subscriptionsPerConnectionAreCapped() {
        try (WsTestClient ws = Gw.ws(Gw.issuer().user(TENANT, "ada"))) {
            for (int i = 0; i < 6; i++) {
                StreamName room = newRoom("user:ada");
                ws.sendJson(Map.of("op", "subscribe", "stream", room.wire()));
            }
            await().until(() -> Gw.ops(ws, "subscribed").size() + Gw.ops(ws, "error").size() >= 6);
            assertThat(Gw.ops(ws, "subscribed")).hasSize(5);
            assertThat(Gw.ops(ws, "error").get(0).path("code").asText()).isEqualTo("stream.subscription_limit");
        }
    }

    @Test
    void sseSendsKeepAliveComments() {
        try (SseTestClient sse = Gw.sse("/api/channel/stream", Gw.issuer().user(TENANT, "ada"))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> sse.comments().contains("keep-alive"));
        }
    }
}
