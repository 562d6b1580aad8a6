package dev.parley.sessions;

import dev.parley.sessions.Api.Person;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.parley.sessions.Api.person;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * Stopping a turn (contract §6): any member asks, the holder stops; a holder that ignores the request is ended by the
 * server after {@code cancel-grace} (2 s in tests, database clock) and its later writes are fenced.
 */
@QuarkusTest
class CancelTurnTest {

    private static Response live(Person who, String id, String turnId, String status, String text, int token) {
        return who.req().body(Map.of("turnId", turnId, "status", status, "text", text, "thinking", "",
                "tools", List.of(), "fencingToken", token)).put("/api/sessions/" + id + "/live");
    }

    private static Map<?, ?> last(Person who, String id, String type) {
        return Api.events(who, "session:" + id).stream().filter(e -> type.equals(e.get("type")))
                .reduce((a, b) -> b).map(e -> (Map<?, ?>) e.get("data")).orElse(null);
    }

    @Test
    void aMemberCancelsAndTheHolderStopsWithACancelledFinalSnapshot() {
        Person ada = person("acme", "Ada");
        Person bob = person("acme", "Bob");
        String id = Api.createSession(ada, "cancel");
        Api.share(ada, id, bob);
        int token = ada.req().body(Map.of("turnId", "t1")).post("/api/sessions/" + id + "/turn")
                .then().statusCode(201).extract().path("fencingToken");
        live(ada, id, "t1", "running", "half an ans", token).then().statusCode(200);

        bob.req().body(Map.of("turnId", "t1", "reason", "wrong prompt")).post("/api/sessions/" + id + "/turn/cancel")
                .then().statusCode(202);
        Map<?, ?> requested = last(ada, id, "turn.cancel_requested");
        assertThat(requested.get("turnId")).isEqualTo("t1");
        assertThat(requested.get("by")).isEqualTo(Map.of("ref", bob.ref(), "name", "Bob"));
        assertThat(requested.get("reason")).isEqualTo("wrong prompt");
        // asking again is accepted and changes nothing
        ada.req().body(Map.of("turnId", "t1")).post("/api/sessions/" + id + "/turn/cancel").then().statusCode(202);
        assertThat(Api.types(ada, "session:" + id).stream().filter("turn.cancel_requested"::equals)).hasSize(1);

        // the holder's client stops: final snapshot cancelled, release
        live(ada, id, "t1", "cancelled", "half an ans", token).then().statusCode(200);
        ada.req().delete("/api/sessions/" + id + "/turn").then().statusCode(204);
        Map<?, ?> ended = last(bob, id, "turn.ended");
        assertThat(ended.get("status")).isEqualTo("cancelled");
        assertThat(ended.get("text")).isEqualTo("half an ans");
        assertThat(ended.get("cancelledBy")).isEqualTo(Map.of("ref", bob.ref(), "name", "Bob"));
        // the turn is over: cancelling it again is 409 turn.not_running
        bob.req().body(Map.of("turnId", "t1")).post("/api/sessions/" + id + "/turn/cancel").then().statusCode(409)
                .body("code", equalTo("turn.not_running"));
    }

    @Test
    void aHolderThatIgnoresTheRequestIsEndedAfterTheGraceAndFenced() {
        Person ada = person("acme", "Ada");
        Person bob = person("acme", "Bob");
        String id = Api.createSession(ada, "ignore");
        Api.share(ada, id, bob);
        int token = ada.req().body(Map.of("turnId", "t1")).post("/api/sessions/" + id + "/turn")
                .then().statusCode(201).extract().path("fencingToken");
        live(ada, id, "t1", "running", "still going", token).then().statusCode(200);
        bob.req().body(Map.of("turnId", "t1")).post("/api/sessions/" + id + "/turn/cancel").then().statusCode(202);
        // within the grace the holder may still write (and heartbeat): the request alone fences nothing
        ada.req().post("/api/sessions/" + id + "/turn/heartbeat").then().statusCode(200);

        // the ttl is 8 s and was just renewed: an end before it is the cancel grace (2 s) acting, not the ttl
        long asked = System.nanoTime();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() ->
                Api.types(bob, "session:" + id).contains("turn.ended"));
        assertThat(Duration.ofNanos(System.nanoTime() - asked)).isLessThan(Duration.ofSeconds(8));
        Map<?, ?> ended = last(bob, id, "turn.ended");
        assertThat(ended.get("turnId")).isEqualTo("t1");
        assertThat(ended.get("status")).isEqualTo("cancelled");
        assertThat(ended.get("text")).isEqualTo("still going");
        assertThat(ended.get("cancelledBy")).isEqualTo(Map.of("ref", bob.ref(), "name", "Bob"));
        bob.req().get("/api/sessions/" + id + "/live").then().statusCode(200).body("status", equalTo("cancelled"))
                .body("stale", equalTo(false));

        // the holder's later writes are fenced
        live(ada, id, "t1", "running", "more", token).then().statusCode(409).body("code", equalTo("turn.fenced"));
        ada.req().body(Map.of("turnId", "t1", "role", "assistant", "content", "late", "fencingToken", token))
                .post("/api/sessions/" + id + "/messages").then().statusCode(409).body("code", equalTo("turn.fenced"));
        ada.req().post("/api/sessions/" + id + "/turn/heartbeat").then().statusCode(403)
                .body("code", equalTo("turn.not_holder"));
        // the session is free for the next turn, with a larger token
        int next = bob.req().body(Map.of("turnId", "t2")).post("/api/sessions/" + id + "/turn")
                .then().statusCode(201).extract().path("fencingToken");
        assertThat(next).isGreaterThan(token);
        bob.req().delete("/api/sessions/" + id + "/turn").then().statusCode(204);
    }

    @Test
    void onlyTheRunningTurnCanBeCancelledAndOnlyByMembers() {
        Person ada = person("acme", "Ada");
        Person eve = person("acme", "Eve");
        Person other = person("globex", "Ada");
        String id = Api.createSession(ada, "rules");
        // nothing running
        ada.req().body(Map.of("turnId", "t1")).post("/api/sessions/" + id + "/turn/cancel").then().statusCode(409)
                .body("code", equalTo("turn.not_running"));
        ada.req().body(Map.of("turnId", "t1")).post("/api/sessions/" + id + "/turn").then().statusCode(201);
        // another turn id than the running one
        ada.req().body(Map.of("turnId", "t0")).post("/api/sessions/" + id + "/turn/cancel").then().statusCode(409)
                .body("code", equalTo("turn.not_running"));
        // not a member, another tenant: the session does not exist for them
        eve.req().body(Map.of("turnId", "t1")).post("/api/sessions/" + id + "/turn/cancel").then().statusCode(404);
        other.req().body(Map.of("turnId", "t1")).post("/api/sessions/" + id + "/turn/cancel").then().statusCode(404);
        // bad input is 400, never 500
        ada.req().body(Map.of("reason", "x")).post("/api/sessions/" + id + "/turn/cancel").then().statusCode(400);
        ada.req().body("{\"turnId\": 5").post("/api/sessions/" + id + "/turn/cancel").then().statusCode(400);
        ada.req().post("/api/sessions/" + id + "/turn/cancel").then().statusCode(400);
        // none of that touched the running turn: it ends only by release, ttl or a cancel
        assertThat(Api.types(ada, "session:" + id)).doesNotContain("turn.ended", "turn.cancel_requested");
        ada.req().delete("/api/sessions/" + id + "/turn").then().statusCode(204);
        assertThat(Api.types(ada, "session:" + id)).contains("turn.ended");
        assertThat(last(ada, id, "turn.ended")).isNull(); // a released turn without a snapshot ends with null

    }
}
