package dev.parley.testing;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * What every service answers on its management port: liveness and readiness UP, Prometheus metrics, OpenAPI.
 * A service's {@code @QuarkusTest class OperationsTest extends OperationsContract} runs it against the real app.
 */
public abstract class OperationsContract {

    /** The management interface's base URL in a {@code @QuarkusTest} (a free port picked at start). */
    protected static String management() {
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
        given().get(management() + "/q/openapi?format=json").then().statusCode(200).body(containsString("openapi"));
    }

    /**
     * For a service that owns durable streams: a Kafka outage does not take it out of its Service. Readiness is its
     * own database; the outbox keeps writes working and the relay's metrics tell the outage (issue 23, item 9).
     */
    protected static void readinessIgnoresABrokerOutage() {
        EmbeddedKafka kafka = ParleyTestResources.kafka();
        kafka.stop();
        try {
            given().get(management() + "/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                    .body(org.hamcrest.Matchers.not(containsString("Kafka")));
        } finally {
            kafka.start();
        }
    }
}
