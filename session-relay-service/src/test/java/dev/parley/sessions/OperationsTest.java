package dev.parley.sessions;

import io.quarkus.test.junit.QuarkusTest;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** Health, metrics and OpenAPI answer on the management port; the public API needs a token. */
@QuarkusTest
class OperationsTest {

    String management() {
        return "http://localhost:" + ConfigProvider.getConfig().getValue("quarkus.management.test-port", Integer.class);
    }

    @Test
    void livenessAndReadinessAreUp() {
        given().get(management() + "/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().get(management() + "/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void prometheusMetricsAndOpenApiAreServed() {
        given().get(management() + "/q/metrics").then().statusCode(200).body(containsString("jvm_"))
                .body(containsString("parley_sessions_created_total"))
                .body(containsString("parley_sessions_turns_fenced_total"))
                .body(containsString("parley_sessions_transcript_bytes_total"))
                .body(containsString("parley_sessions_live_updates_total"))
                .body(containsString("parley_sessions_shares_total{kind=\"granted\"}"));
        given().get(management() + "/q/openapi?format=json").then().statusCode(200).body(containsString("openapi"));
    }
}
