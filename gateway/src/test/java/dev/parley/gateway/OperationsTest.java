package dev.parley.gateway;

import dev.parley.testing.OperationsContract;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;

/** Health, metrics and OpenAPI answer on the management port (the shared contract), plus the gateway's own API. */
@QuarkusTest
class OperationsTest extends OperationsContract {

    @Test
    void openApiDescribesTheGatewaysOwnEndpoints() {
        given().get(management() + "/q/openapi?format=json").then().statusCode(200)
                .body(containsString("/api/stream-tickets"));
    }
}
