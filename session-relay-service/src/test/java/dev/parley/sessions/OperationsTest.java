package dev.parley.sessions;

import dev.parley.testing.OperationsContract;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;

/** Health, metrics and OpenAPI answer on the management port (the shared contract), plus this service's meters. */
@QuarkusTest
class OperationsTest extends OperationsContract {

    @Test
    void sessionMetricsAreExported() {
        given().get(management() + "/q/metrics").then().statusCode(200)
                .body(containsString("parley_sessions_created_total"))
                .body(containsString("parley_sessions_turns_fenced_total"))
                .body(containsString("parley_sessions_transcript_bytes_total"))
                .body(containsString("parley_sessions_live_updates_total"))
                .body(containsString("parley_sessions_shares_total{kind=\"granted\"}"));
    }

    @org.junit.jupiter.api.Test
    void readinessIsTheDatabaseNotKafka() {
        readinessIgnoresABrokerOutage();
    }
}
