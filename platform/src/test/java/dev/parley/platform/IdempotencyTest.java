package dev.parley.platform;

import dev.parley.testing.ParleyTestResources;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

@QuarkusTest
class IdempotencyTest {

    Response post(String user, String key, String text) {
        return given().auth().oauth2(ParleyTestResources.issuer().user("acme", user))
                .header("Idempotency-Key", key).contentType("application/json")
                .body("{\"text\": \"" + text + "\"}").post("/api/test/notes");
    }

    @Test
    void theSameKeyReturnsTheFirstResponseAndCreatesNothingNew() throws Exception {
        String key = "key-" + UUID.randomUUID();
        String text = "once-" + UUID.randomUUID();
        Response first = post("ada", key, text);
        first.then().statusCode(201);
        Response second = post("ada", key, text);
        second.then().statusCode(201);
        assertThat(second.jsonPath().getString("data.id")).isEqualTo(first.jsonPath().getString("data.id"));
        assertThat(second.jsonPath().getLong("seq")).isEqualTo(first.jsonPath().getLong("seq"));
        assertThat(count(text)).isEqualTo(1);

        // another caller's identical key is their own
        post("bob", key, text).then().statusCode(201);
        assertThat(count(text)).isEqualTo(2);
    }

    @Test
    void theSameKeyWithAnotherBodyIsRefused() {
        String key = "key-" + UUID.randomUUID();
        post("ada", key, "first").then().statusCode(201);
        post("ada", key, "second").then().statusCode(422).contentType("application/problem+json")
                .body("code", equalTo("idempotency.key_reused"));
    }

    @Test
    void aKeyMustBePrintableAsciiOfBoundedLength() {
        post("ada", "x".repeat(129), "t").then().statusCode(400).body("code", equalTo("idempotency.key_invalid"));
    }

    private int count(String text) throws Exception {
        try (Connection c = ParleyTestResources.postgres().connect("platform");
             ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM note WHERE text = '" + text + "'")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
