package dev.parley.sessions;

import dev.parley.sessions.Api.Person;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
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

/** Fork at a point (contract §6): the messages and the transcript as they stood at a seq, the caller's alone. */
@QuarkusTest
class ForkTest {

    private static String sha256(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    private static List<String> contents(Person who, String id) {
        return who.req().queryParam("after", 0).queryParam("limit", 100).get("/api/sessions/" + id + "/messages")
                .then().statusCode(200).extract().jsonPath().getList("items.content");
    }

    @Test
    void aForkAtAnEarlierSeqAndAtTheHeadHoldsExactlyThatHistoryAndIsTheCallersAlone() throws Exception {
        Person ada = person("acme", "Ada");
        Person bob = person("acme", "Bob");
        String id = Api.createSession(ada, "original");
        Api.share(ada, id, bob);                                                                    // seq 1
        ada.req().body(Map.of("turnId", "t1", "role", "user", "content", "first")).post("/api/sessions/" + id + "/messages")
                .then().statusCode(201);                                                            // 2
        ada.req().body(Map.of("offset", 0, "data", "{\"a\":\"é\"}\n")).post("/api/sessions/" + id + "/transcript")
                .then().statusCode(200);                                                            // 3
        int point = bob.req().body(Map.of("turnId", "t1", "role", "assistant", "content", "second"))
                .post("/api/sessions/" + id + "/messages").then().statusCode(201).extract().path("seq"); // 4
        ada.req().body(Map.of("offset", 11, "data", "{\"b\":2}\n")).post("/api/sessions/" + id + "/transcript")
                .then().statusCode(200);                                                            // 5
        ada.req().body(Map.of("turnId", "t2", "role", "user", "content", "third")).post("/api/sessions/" + id + "/messages")
                .then().statusCode(201);                                                            // 6
        List<String> originalEvents = Api.types(ada, "session:" + id);

        // Bob (a collaborator) forks at the second message
        Response forked = bob.req().body(Map.of("atSeq", point, "title", "bob's branch")).post("/api/sessions/" + id + "/fork");
        forked.then().statusCode(201).body("owner", equalTo(bob.ref())).body("role", equalTo("owner"))
                .body("title", equalTo("bob's branch")).body("members.size()", equalTo(1))
                .body("members[0].ref", equalTo(bob.ref())).body("engineSessionId", equalTo(null))
                .body("forkedFrom.sessionId", equalTo(id)).body("forkedFrom.seq", equalTo(point));
        String early = forked.path("id");
        assertThat(contents(bob, early)).containsExactly("first", "second");
        JsonPath messages = bob.req().queryParam("after", 0).get("/api/sessions/" + early + "/messages").then()
                .extract().jsonPath();
        assertThat(messages.getList("items.author")).containsExactly(ada.ref(), bob.ref());
        assertThat(messages.getList("items.sessionId")).containsOnly(early);
        String prefix = "{\"a\":\"é\"}\n";
        bob.req().get("/api/sessions/" + early + "/transcript/head").then().statusCode(200)
                .body("length", equalTo(11)).body("sha256", equalTo(sha256(prefix)));
        bob.req().get("/api/sessions/" + early + "/transcript").then().statusCode(200).body("data", equalTo(prefix));
        bob.req().get("/api/sessions/" + early).then().statusCode(200).body("forkedFrom.seq", equalTo(point));
        // the fork continues on its own: the next append goes on from its own length
        bob.req().body(Map.of("offset", 11, "data", "{\"c\":3}\n")).post("/api/sessions/" + early + "/transcript")
                .then().statusCode(200).body("sha256", equalTo(sha256(prefix + "{\"c\":3}\n")));

        // at the head (no atSeq): everything
        Response head = ada.req().body(Map.of("title", "ada's copy")).post("/api/sessions/" + id + "/fork");
        head.then().statusCode(201).body("forkedFrom.seq", equalTo(6));
        String full = head.path("id");
        assertThat(contents(ada, full)).containsExactly("first", "second", "third");
        String whole = prefix + "{\"b\":2}\n";
        ada.req().get("/api/sessions/" + full + "/transcript/head").then().body("length", equalTo(whole.getBytes(StandardCharsets.UTF_8).length))
                .body("sha256", equalTo(sha256(whole)));

        // the fork is the caller's alone: members of the original cannot read it
        ada.req().get("/api/sessions/" + early).then().statusCode(404);
        ada.req().get("/api/sessions/" + early + "/messages").then().statusCode(404);
        bob.req().get("/api/sessions/" + full).then().statusCode(404);
        assertThat(bob.req().get("/api/sessions").then().extract().jsonPath().<String>getList("items.id"))
                .contains(early, id).doesNotContain(full);

        // the original is unchanged
        assertThat(Api.types(ada, "session:" + id)).isEqualTo(originalEvents);
        assertThat(contents(ada, id)).containsExactly("first", "second", "third");
        ada.req().get("/api/sessions/" + id).then().body("members.size()", equalTo(2)).body("forkedFrom", equalTo(null));
    }

    @Test
    void forkingNeedsAccessATitleAndAPointThatExists() {
        Person ada = person("acme", "Ada");
        Person eve = person("acme", "Eve");
        String id = Api.createSession(ada, "private");
        eve.req().body(Map.of("title", "mine")).post("/api/sessions/" + id + "/fork").then().statusCode(404);
        person("globex", "Ada").req().body(Map.of("title", "x")).post("/api/sessions/" + id + "/fork").then().statusCode(404);
        ada.req().body(Map.of("atSeq", 1)).post("/api/sessions/" + id + "/fork").then().statusCode(400);
        ada.req().body(Map.of("atSeq", 5, "title", "x")).post("/api/sessions/" + id + "/fork").then().statusCode(400)
                .body("code", equalTo("request.invalid"));
        ada.req().body(Map.of("atSeq", -1, "title", "x")).post("/api/sessions/" + id + "/fork").then().statusCode(400);
        ada.req().body(Map.of("atSeq", "abc", "title", "x")).post("/api/sessions/" + id + "/fork").then().statusCode(400);
        ada.req().body(Map.of("title", "t".repeat(201))).post("/api/sessions/" + id + "/fork").then().statusCode(422)
                .body("code", equalTo("session.title_too_long"));
        // an empty session forks into an empty one; the Idempotency-Key replays the first answer
        String first = ada.req().header("Idempotency-Key", "fork-1").body(Map.of("title", "empty"))
                .post("/api/sessions/" + id + "/fork").then().statusCode(201).body("forkedFrom.seq", equalTo(0))
                .extract().path("id");
        ada.req().header("Idempotency-Key", "fork-1").body(Map.of("title", "empty"))
                .post("/api/sessions/" + id + "/fork").then().statusCode(201).body("id", equalTo(first));
    }
}
