package dev.parley.sessions;

import dev.parley.sessions.Api.Person;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static dev.parley.sessions.Api.person;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

/**
 * The seed's flow end to end: A creates a session and shares it with B while B is offline; B reconciles from its
 * share records, sees the session with its whole history; A takes a turn (lock → live → messages → transcript →
 * release); B reads the exact partial live snapshot mid-turn, is refused the turn naming A, and B's transcript hash
 * over the pulled bytes equals the server's head.
 */
@QuarkusTest
class SharedSessionFlowTest {

    @Test
    void ownerSharesTakesATurnAndTheCollaboratorSeesEverything() throws Exception {
        Person a = person("acme", "Ada");
        Person b = person("acme", "Bob");

        // A creates a session and writes some history before sharing
        Response created = a.req().body(Map.of("title", "Refactor billing")).post("/api/sessions");
        created.then().statusCode(201)
                .body("title", equalTo("Refactor billing"))
                .body("owner", equalTo(a.ref()))
                .body("engineSessionId", equalTo(null))
                .body("members", hasSize(1))
                .body("members[0].ref", equalTo(a.ref()))
                .body("members[0].role", equalTo("owner"))
                .body("role", equalTo("owner"));
        String id = created.path("id");
        a.req().body(Map.of("turnId", "t-0", "role", "user", "content", "earlier question"))
                .post("/api/sessions/" + id + "/messages").then().statusCode(201).body("author", equalTo(a.ref()));

        // B has never connected (offline); A shares
        a.req().body(Map.of("ref", b.ref())).post("/api/sessions/" + id + "/members").then().statusCode(201)
                .body("ref", equalTo(b.ref())).body("role", equalTo("writer")).body("addedBy", equalTo(a.ref()));

        // B reconnects and reconciles from the durable share records
        Response shares = b.req().get("/api/me/shares?after=0");
        shares.then().statusCode(200).body("items", hasSize(1))
                .body("items[0].kind", equalTo("granted"))
                .body("items[0].sessionId", equalTo(id))
                .body("items[0].title", equalTo("Refactor billing"))
                .body("items[0].by.ref", equalTo(a.ref()))
                .body("items[0].by.name", equalTo("Ada"));
        int shareSeq = shares.path("items[0].seq");
        List<Map<String, Object>> me = Api.events(b, "me");
        assertThat(me).anySatisfy(e -> {
            assertThat(e.get("type")).isEqualTo("share.granted");
            assertThat(e.get("seq")).isEqualTo(shareSeq);
        });
        b.req().get("/api/sessions").then().statusCode(200)
                .body("items", hasSize(1)).body("items[0].id", equalTo(id)).body("items[0].role", equalTo("writer"));
        b.req().get("/api/sessions/" + id + "/messages?after=0").then().statusCode(200)
                .body("items", hasSize(1)).body("items[0].content", equalTo("earlier question"));

        // A takes a turn
        Response turn = a.req().body(Map.of("turnId", "t-1")).post("/api/sessions/" + id + "/turn");
        turn.then().statusCode(201).body("turnId", equalTo("t-1")).body("holder.ref", equalTo(a.ref()))
                .body("holder.name", equalTo("Ada"));
        long token = ((Number) turn.path("fencingToken")).longValue();

        Map<String, Object> partial = Map.of("turnId", "t-1", "status", "running", "text", "Looking at the",
                "thinking", "the user wants", "tools", List.of(Map.of("id", "tool-1", "name", "grep", "status",
                        "running", "summary", "searching invoices")), "fencingToken", token);
        a.req().body(partial).put("/api/sessions/" + id + "/live").then().statusCode(200)
                .body("startedBy", equalTo(a.ref())).body("stale", equalTo(false));

        // B reloads mid-turn: the exact partial snapshot, and the turn is refused naming A (A heartbeats as it runs)
        a.req().post("/api/sessions/" + id + "/turn/heartbeat").then().statusCode(200)
                .body("fencingToken", equalTo((int) token));
        b.req().get("/api/sessions/" + id + "/live").then().statusCode(200)
                .body("turnId", equalTo("t-1")).body("status", equalTo("running"))
                .body("text", equalTo("Looking at the")).body("thinking", equalTo("the user wants"))
                .body("tools[0].id", equalTo("tool-1")).body("tools[0].summary", equalTo("searching invoices"))
                .body("startedBy", equalTo(a.ref())).body("stale", equalTo(false));
        b.req().body(Map.of("turnId", "t-b")).post("/api/sessions/" + id + "/turn").then().statusCode(409)
                .body("code", equalTo("turn.held")).body("holder.ref", equalTo(a.ref()))
                .body("holder.name", equalTo("Ada")).body("since", org.hamcrest.Matchers.notNullValue());
        // a new subscriber of the session gets the running snapshot first
        b.req().get("/internal/streams/session:" + id).then().statusCode(200)
                .body("latest[0].type", equalTo("live.updated")).body("latest[0].data.text", equalTo("Looking at the"));

        // messages and transcript deltas under the grant
        a.req().post("/api/sessions/" + id + "/turn/heartbeat").then().statusCode(200);
        a.req().body(Map.of("turnId", "t-1", "role", "user", "content", "fix the rounding", "fencingToken", token))
                .post("/api/sessions/" + id + "/messages").then().statusCode(201);
        String delta1 = "{\"type\":\"user\",\"text\":\"fix the rounding\"}\n";
        String delta2 = "{\"type\":\"assistant\",\"text\":\"Done — 5 €, ünïcode ✓\"}\n";
        a.req().body(Map.of("offset", 0, "data", delta1, "fencingToken", token))
                .post("/api/sessions/" + id + "/transcript").then().statusCode(200)
                .body("offset", equalTo(0)).body("length", equalTo(delta1.getBytes(StandardCharsets.UTF_8).length));
        int len1 = delta1.getBytes(StandardCharsets.UTF_8).length;
        a.req().body(Map.of("offset", len1, "data", delta2, "fencingToken", token))
                .post("/api/sessions/" + id + "/transcript").then().statusCode(200);
        a.req().body(Map.of("turnId", "t-1", "role", "assistant", "content", "Done.", "fencingToken", token))
                .post("/api/sessions/" + id + "/messages").then().statusCode(201);
        a.req().body(Map.of("turnId", "t-1", "status", "completed", "text", "Done.", "thinking", "", "tools", List.of(),
                "fencingToken", token)).put("/api/sessions/" + id + "/live").then().statusCode(200);
        a.req().delete("/api/sessions/" + id + "/turn").then().statusCode(204);

        // B pulls the transcript and verifies the hash byte for byte
        Response pulled = b.req().get("/api/sessions/" + id + "/transcript?from=0");
        pulled.then().statusCode(200);
        String data = pulled.path("data");
        assertThat(data).isEqualTo(delta1 + delta2);
        String mine = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(data.getBytes(StandardCharsets.UTF_8)));
        Response head = b.req().get("/api/sessions/" + id + "/transcript/head");
        head.then().statusCode(200).body("length", equalTo((delta1 + delta2).getBytes(StandardCharsets.UTF_8).length));
        assertThat((String) head.path("sha256")).isEqualTo(mine);
        assertThat((String) pulled.path("sha256")).isEqualTo(mine);
        // a pull from the middle returns the tail only
        b.req().get("/api/sessions/" + id + "/transcript?from=" + len1).then().statusCode(200)
                .body("data", equalTo(delta2)).body("from", equalTo(len1));

        // the session stream carries the whole story in order
        List<String> types = Api.types(b, "session:" + id);
        assertThat(types).containsExactly("message.created", "member.added", "turn.started", "message.created",
                "transcript.appended", "transcript.appended", "message.created", "turn.ended");
        Map<String, Object> ended = Api.events(b, "session:" + id).get(7);
        @SuppressWarnings("unchecked")
        Map<String, Object> endedData = (Map<String, Object>) ended.get("data");
        assertThat(endedData).containsEntry("status", "completed").containsEntry("turnId", "t-1");
        @SuppressWarnings("unchecked")
        Map<String, Object> appended = (Map<String, Object>) Api.events(b, "session:" + id).get(5).get("data");
        assertThat(appended.get("sha256")).isEqualTo(mine);

        // now B may take a turn, with a larger fencing token
        Response bTurn = b.req().body(Map.of("turnId", "t-2")).post("/api/sessions/" + id + "/turn");
        bTurn.then().statusCode(201).body("holder.ref", equalTo(b.ref()));
        assertThat(((Number) bTurn.path("fencingToken")).longValue()).isGreaterThan(token);
        b.req().delete("/api/sessions/" + id + "/turn").then().statusCode(204);

        // the whole history is there for B
        b.req().get("/api/sessions/" + id + "/messages").then().statusCode(200).body("items", hasSize(3))
                .body("items[2].content", equalTo("Done."));
    }
}
