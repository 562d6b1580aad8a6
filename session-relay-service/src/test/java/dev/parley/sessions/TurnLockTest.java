package dev.parley.sessions;

import dev.parley.sessions.Api.Person;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.parley.sessions.Api.person;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/** The database-decided turn-lock: one holder at a time under concurrency, expiry by the ttl, fenced late writes. */
@QuarkusTest
class TurnLockTest {

    @Test
    void twentyConcurrentAcquirersGetExactlyOneGrant() throws Exception {
        Person owner = person("acme", "Owner");
        String id = Api.createSession(owner, "race");
        List<Person> people = new ArrayList<>();
        for (int i = 0; i < 19; i++) {
            Person p = person("acme", "P" + i);
            Api.share(owner, id, p);
            people.add(p);
        }
        people.add(owner);
        ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            for (int round = 0; round < 2; round++) {
                List<Callable<Response>> calls = new ArrayList<>();
                int r = round;
                for (Person p : people) {
                    calls.add(() -> p.req().body(Map.of("turnId", "turn-" + r + "-" + p.sub()))
                            .post("/api/sessions/" + id + "/turn"));
                }
                List<Response> responses = new ArrayList<>();
                for (Future<Response> f : pool.invokeAll(calls)) {
                    responses.add(f.get());
                }
                List<Response> granted = responses.stream().filter(x -> x.statusCode() == 201).toList();
                assertThat(granted).hasSize(1);
                assertThat(responses.stream().filter(x -> x.statusCode() == 409)
                        .map(x -> (String) x.path("code")).distinct().toList()).containsExactly("turn.held");
                String holder = granted.get(0).path("holder.ref");
                responses.stream().filter(x -> x.statusCode() == 409)
                        .forEach(x -> assertThat((String) x.path("holder.ref")).isEqualTo(holder));
                Person winner = people.stream().filter(p -> p.ref().equals(holder)).findFirst().orElseThrow();
                winner.req().delete("/api/sessions/" + id + "/turn").then().statusCode(204);
            }
        } finally {
            pool.shutdownNow();
        }
        // two grants, two ends, tokens 1 and 2
        List<Map<String, Object>> events = Api.events(owner, "session:" + id);
        List<Object> tokens = events.stream().filter(e -> "turn.started".equals(e.get("type")))
                .map(e -> (Object) ((Map<?, ?>) e.get("data")).get("fencingToken")).toList();
        assertThat(tokens).containsExactly(1, 2);
        assertThat(events.stream().filter(e -> "turn.ended".equals(e.get("type")))).hasSize(2);
    }

    @Test
    void aHolderThatStopsHeartbeatingLosesTheLockAndItsLateWritesAreFenced() {
        Person a = person("acme", "Ada");
        Person b = person("acme", "Bob");
        String id = Api.createSession(a, "expiry");
        Api.share(a, id, b);
        Response granted = a.req().body(Map.of("turnId", "t-a")).post("/api/sessions/" + id + "/turn");
        granted.then().statusCode(201);
        int token = granted.path("fencingToken");

        // B cannot heartbeat or release A's turn
        b.req().post("/api/sessions/" + id + "/turn/heartbeat").then().statusCode(403).body("code", equalTo("turn.not_holder"));
        b.req().delete("/api/sessions/" + id + "/turn").then().statusCode(403).body("code", equalTo("turn.not_holder"));
        // B writing with A's token is not the holder
        b.req().body(Map.of("turnId", "t-a", "role", "user", "content", "x", "fencingToken", token))
                .post("/api/sessions/" + id + "/messages").then().statusCode(403).body("code", equalTo("turn.not_holder"));

        // A stops heartbeating: after the ttl (8 s in tests, by the database clock) the sweeper ends the turn
        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(500)).until(() ->
                Api.types(a, "session:" + id).contains("turn.ended"));
        Response bTurn = b.req().body(Map.of("turnId", "t-b")).post("/api/sessions/" + id + "/turn");
        bTurn.then().statusCode(201);
        assertThat((int) bTurn.path("fencingToken")).isGreaterThan(token);

        // A's late writes carry the old token: fenced everywhere, nothing written
        a.req().body(Map.of("turnId", "t-a", "role", "assistant", "content", "late", "fencingToken", token))
                .post("/api/sessions/" + id + "/messages").then().statusCode(409).body("code", equalTo("turn.fenced"));
        a.req().body(Map.of("turnId", "t-a", "status", "running", "text", "late", "thinking", "", "tools", List.of(),
                "fencingToken", token)).put("/api/sessions/" + id + "/live").then().statusCode(409)
                .body("code", equalTo("turn.fenced"));
        a.req().body(Map.of("offset", 0, "data", "late\n", "fencingToken", token))
                .post("/api/sessions/" + id + "/transcript").then().statusCode(409).body("code", equalTo("turn.fenced"));
        a.req().post("/api/sessions/" + id + "/turn/heartbeat").then().statusCode(403).body("code", equalTo("turn.not_holder"));
        a.req().get("/api/sessions/" + id + "/messages").then().statusCode(200).body("items.size()", equalTo(0));
        a.req().get("/api/sessions/" + id + "/transcript/head").then().statusCode(200).body("length", equalTo(0));
        // a token that was never granted is fenced too
        b.req().body(Map.of("turnId", "t-b", "role", "user", "content", "x", "fencingToken", 999))
                .post("/api/sessions/" + id + "/messages").then().statusCode(409).body("code", equalTo("turn.fenced"));
        // the current holder's writes pass
        b.req().body(Map.of("turnId", "t-b", "role", "user", "content", "mine", "fencingToken", (int) bTurn.path("fencingToken")))
                .post("/api/sessions/" + id + "/messages").then().statusCode(201);
        // a retried acquire of the same turn is the same grant (200), another turn of the holder is refused
        b.req().body(Map.of("turnId", "t-b")).post("/api/sessions/" + id + "/turn").then().statusCode(200)
                .body("fencingToken", equalTo((int) bTurn.path("fencingToken")));
        b.req().delete("/api/sessions/" + id + "/turn").then().statusCode(204);
        b.req().delete("/api/sessions/" + id + "/turn").then().statusCode(204);
    }
}
