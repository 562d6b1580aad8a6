package dev.parley.gateway;

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
        given().get(management() + "/q/metrics").then().statusCode(200).body(containsString("jvm_"));
        given().get(management() + "/q/openapi?format=json").then().statusCode(200).body(containsString("openapi"))
                .body(containsString("/api/stream-tickets"));
    }
}
