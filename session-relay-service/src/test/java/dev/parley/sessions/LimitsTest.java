package dev.parley.sessions;

import dev.parley.sessions.Api.Person;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.parley.sessions.Api.person;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

/** The limits and input errors of API.md §6 with their status and code (the others live beside their feature). */
@QuarkusTest
class LimitsTest {

    @Test
    void sessionAndMessageInputs() {
        Person a = person("acme", "Ada");
        a.req().body(Map.of("title", "x".repeat(201))).post("/api/sessions").then().statusCode(422)
                .body("code", equalTo("session.title_too_long"));
        a.req().body(Map.of("title", "   ")).post("/api/sessions").then().statusCode(400).body("code", equalTo("request.invalid"));
        a.req().post("/api/sessions").then().statusCode(400);
        a.req().body("{\"title\": ").post("/api/sessions").then().statusCode(400).body("code", equalTo("request.malformed_json"));
        a.req().body(Map.of("title", 5)).post("/api/sessions").then().statusCode(201);
        a.req().contentType("text/plain").body("title").post("/api/sessions").then().statusCode(415);
        String id = Api.createSession(a, "inputs");
        String messages = "/api/sessions/" + id + "/messages";
        a.req().body(Map.of("turnId", "t", "role", "system", "content", "x")).post(messages).then().statusCode(400)
                .body("code", equalTo("request.invalid"));
        a.req().body(Map.of("role", "user", "content", "x")).post(messages).then().statusCode(400);
        a.req().body(Map.of("turnId", "t", "role", "user")).post(messages).then().statusCode(400);
        a.req().body(Map.of("turnId", "t", "role", "user", "content", "x", "fencingToken", "abc")).post(messages)
                .then().statusCode(400);
        a.req().body(Map.of("turnId", "t", "role", "assistant", "content", "é".repeat(100_001))).post(messages)
                .then().statusCode(422).body("code", equalTo("message.too_long"));
        a.req().get(messages + "?limit=ten").then().statusCode(400).body("code", equalTo("request.invalid"));
        a.req().get(messages + "?after=1&before=2").then().statusCode(400);
        a.req().get(messages).then().statusCode(200).body("items", hasSize(0)).body("nextAfter", equalTo(null));
        a.req().body(Map.of("turnId", "")).post("/api/sessions/" + id + "/turn").then().statusCode(400);
        a.req().delete("/api/sessions/" + id).then().statusCode(405);

        // paging: limit capped at 100, forward and back
        for (int i = 0; i < 3; i++) {
            a.req().header("Idempotency-Key", "m-" + i).body(Map.of("turnId", "t", "role", "user", "content", "m" + i))
                    .post(messages).then().statusCode(201);
        }
        a.req().header("Idempotency-Key", "m-0").body(Map.of("turnId", "t", "role", "user", "content", "m0"))
                .post(messages).then().statusCode(201).body("content", equalTo("m0"));
        a.req().get(messages + "?limit=2").then().statusCode(200).body("items", hasSize(2))
                .body("items[1].content", equalTo("m2"));
        a.req().get(messages + "?after=0&limit=500").then().statusCode(200).body("items", hasSize(3))
                .body("items[0].content", equalTo("m0"));
    }
}
