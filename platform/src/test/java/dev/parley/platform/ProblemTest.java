package dev.parley.platform;

import dev.parley.testing.ParleyTestResources;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** Bad input answers the right 4xx with a stable code, never a 500. */
@QuarkusTest
class ProblemTest {

    RequestSpecification ada() {
        return given().auth().oauth2(ParleyTestResources.issuer().user("acme", "ada"));
    }

    @Test
    void malformedJson() {
        ada().contentType("application/json").body("{\"text\": ").post("/api/test/notes")
                .then().statusCode(400).contentType("application/problem+json")
                .body("code", equalTo("request.malformed_json"));
    }

    @Test
    void invalidUtf8IsMalformed() {
        ada().contentType("application/json").body(new byte[] {'{', '"', 't', 'e', 'x', 't', '"', ':', '"', (byte) 0xC3,
                        (byte) 0x28, '"', '}'}).post("/api/test/notes")
                .then().statusCode(400).body("code", equalTo("request.malformed_json"));
    }

    @Test
    void wrongFieldType() {
        ada().contentType("application/json").body("{\"text\": \"x\", \"room\": 42}").post("/api/test/notes")
                .then().statusCode(400).body("code", equalTo("request.invalid"))
                .body("detail", containsString("room"));
    }

    @Test
    void validationFailure() {
        ada().contentType("application/json").body("{\"text\": \"\"}").post("/api/test/notes")
                .then().statusCode(400).body("code", equalTo("request.invalid"))
                .body("detail", containsString("text"));
    }

    @Test
    void missingBody() {
        ada().contentType("application/json").post("/api/test/notes")
                .then().statusCode(400).body("code", equalTo("request.invalid"));
    }

    @Test
    void wrongContentType() {
        ada().contentType("text/plain").body("hello").post("/api/test/notes")
                .then().statusCode(415).contentType("application/problem+json")
                .body("code", equalTo("request.unsupported_media_type"));
    }

    @Test
    void oversizedJsonBody() {
        String big = "{\"text\": \"" + "x".repeat(1024 * 1024 + 10) + "\"}";
        ada().contentType("application/json").body(big).post("/api/test/notes")
                .then().statusCode(413).contentType("application/problem+json")
                .body("code", equalTo("request.too_large"));
    }

    @Test
    void unknownRoute() {
        ada().get("/api/nothing-here").then().statusCode(404).contentType("application/problem+json")
                .body("code", equalTo("request.not_found"));
        ada().get("/elsewhere").then().statusCode(404).body("code", equalTo("request.not_found"));
    }

    @Test
    void unsupportedMethod() {
        ada().put("/api/test/whoami").then().statusCode(405).contentType("application/problem+json")
                .body("code", equalTo("request.method_not_allowed"));
        ada().delete("/api/test/notes").then().statusCode(405).body("code", equalTo("request.method_not_allowed"));
    }

    @Test
    void wrongQueryType() {
        ada().get("/api/test/page?limit=abc").then().statusCode(400).body("code", equalTo("request.invalid"));
        ada().get("/api/test/page?limit=500").then().statusCode(200).body("limit", equalTo(100));
        ada().get("/api/test/page").then().statusCode(200).body("limit", equalTo(50));
    }

    @Test
    void invalidStreamName() {
        ada().get("/internal/streams/rooms:" + UUID.randomUUID()).then().statusCode(400)
                .body("code", equalTo("stream.invalid"));
    }
}
