package dev.parley.sessions;

import dev.parley.sessions.Api.Person;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;

import static dev.parley.sessions.Api.person;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/** Push-then-pull with the offset check, large transcripts streamed, the authoritative hash, byte caps. */
@QuarkusTest
class TranscriptTest {

    static String sha(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    @Test
    void offsetMismatchAnswersTheCurrentLength() throws Exception {
        Person a = person("acme", "Ada");
        String id = Api.createSession(a, "transcript");
        String base = "/api/sessions/" + id + "/transcript";
        a.req().get(base + "/head").then().statusCode(200).body("length", equalTo(0))
                .body("sha256", equalTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
        a.req().body(Map.of("offset", 0, "data", "line one\n")).post(base).then().statusCode(200)
                .body("length", equalTo(9)).body("sha256", equalTo(sha("line one\n".getBytes())));
        // a stale writer pushes at 0 again: refused with the length to pull from
        a.req().body(Map.of("offset", 0, "data", "other\n")).post(base).then().statusCode(409)
                .body("code", equalTo("transcript.offset_mismatch")).body("length", equalTo(9));
        a.req().body(Map.of("offset", 20, "data", "gap\n")).post(base).then().statusCode(409)
                .body("code", equalTo("transcript.offset_mismatch"));
        a.req().body(Map.of("offset", 9, "data", "é\n")).post(base).then().statusCode(200).body("length", equalTo(12));
        a.req().get(base + "?from=12").then().statusCode(200).body("data", equalTo("")).body("length", equalTo(12));
        a.req().get(base + "?from=10").then().statusCode(400).body("code", equalTo("request.invalid"));
        a.req().get(base + "?from=13").then().statusCode(400).body("code", equalTo("request.invalid"));
        a.req().get(base + "?from=x").then().statusCode(400).body("code", equalTo("request.invalid"));
        a.req().body(Map.of("offset", -1, "data", "x")).post(base).then().statusCode(400);
        a.req().body(Map.of("data", "x")).post(base).then().statusCode(400);
        a.req().body(Map.of("offset", "twelve", "data", "x")).post(base).then().statusCode(400);
    }

    @Test
    void aTenMebibyteTranscriptIsStreamedBackAndHashesToTheHead() throws Exception {
        Person a = person("acme", "Ada");
        String id = Api.createSession(a, "big");
        String base = "/api/sessions/" + id + "/transcript";
        StringBuilder line = new StringBuilder();
        while (line.length() < 400 * 1024) {
            line.append("{\"type\":\"assistant\",\"text\":\"ünïcødé ✓ \\\"quoted\\\" and more text\"}\n");
        }
        String delta = line.toString();
        int deltaBytes = delta.getBytes(StandardCharsets.UTF_8).length;
        MessageDigest all = MessageDigest.getInstance("SHA-256");
        long offset = 0;
        for (int i = 0; i < 24; i++) {
            a.req().body(Map.of("offset", offset, "data", delta)).post(base).then().statusCode(200);
            all.update(delta.getBytes(StandardCharsets.UTF_8));
            offset += deltaBytes;
        }
        assertThat(offset).isGreaterThan(10L * 1024 * 1024);
        String expected = HexFormat.of().formatHex(all.digest());
        a.req().get(base + "/head").then().statusCode(200).body("length", equalTo((int) offset))
                .body("sha256", equalTo(expected));

        Response pulled = a.req().get(base + "?from=0");
        pulled.then().statusCode(200).header("Content-Type", org.hamcrest.Matchers.startsWith("application/json"));
        String data = pulled.path("data");
        assertThat(data.getBytes(StandardCharsets.UTF_8).length).isEqualTo(offset);
        assertThat(sha(data.getBytes(StandardCharsets.UTF_8))).isEqualTo(expected);
        assertThat((String) pulled.path("sha256")).isEqualTo(expected);

        Response tail = a.req().get(base + "?from=" + (offset - deltaBytes));
        assertThat((String) tail.path("data")).isEqualTo(delta);
    }

    @Test
    void oneAppendIsCapped() {
        Person a = person("acme", "Ada");
        String id = Api.createSession(a, "caps");
        String tooBig = "x".repeat(512 * 1024 + 1);
        a.req().body(Map.of("offset", 0, "data", tooBig)).post("/api/sessions/" + id + "/transcript").then()
                .statusCode(413).body("code", equalTo("request.too_large"));
        String overBody = "x".repeat(1024 * 1024 + 10);
        a.req().body(Map.of("offset", 0, "data", overBody)).post("/api/sessions/" + id + "/transcript").then()
                .statusCode(413).body("code", equalTo("request.too_large"));
        a.req().get("/api/sessions/" + id + "/transcript/head").then().body("length", equalTo(0));
    }
}
