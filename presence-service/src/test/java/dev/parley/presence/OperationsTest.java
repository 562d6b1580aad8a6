package dev.parley.presence;

import dev.parley.testing.OperationsContract;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;

/** Health, metrics and OpenAPI answer on the management port; the public API needs a token. */
@QuarkusTest
class OperationsTest extends OperationsContract {

    @Test
    void layering() {
        dev.parley.testing.Layering.check("dev.parley.presence");
    }

    @Test
    void presenceMetricsAreExported() {
        given().get(management() + "/q/metrics").then().statusCode(200)
                .body(containsString("parley_presence_members_online"))
                .body(containsString("parley_presence_members_idle"))
                .body(containsString("parley_presence_transitions_total{status=\"offline\"}"))
                .body(containsString("parley_presence_fold_lag_seconds"));
    }
}
