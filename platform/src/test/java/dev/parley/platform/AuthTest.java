package dev.parley.platform;

import dev.parley.testing.ParleyTestResources;
import dev.parley.testing.TokenIssuer;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

/** A valid token → 200; every broken token → 401 with the same problem body. */
@QuarkusTest
class AuthTest {

    final TokenIssuer issuer = ParleyTestResources.issuer();

    @Test
    void validTokensOfHumansAndAppsIdentifyTheCaller() {
        given().auth().oauth2(issuer.user("acme", "ada", "Ada Lovelace"))
                .get("/api/test/whoami")
                .then().statusCode(200)
                .body("tenant", equalTo("acme"))
                .body("principal", equalTo("user:ada"))
                .body("name", equalTo("Ada Lovelace"));
        given().auth().oauth2(issuer.user("globex", "bob"))
                .get("/api/test/whoami")
                .then().statusCode(200)
                .body("tenant", equalTo("globex"))
                .body("name", equalTo("bob"));
        given().auth().oauth2(issuer.app("acme", "marketing"))
                .get("/api/test/whoami")
                .then().statusCode(200)
                .body("principal", equalTo("app/marketing"));
    }

    @Test
    void missingToken() {
        given().get("/api/test/whoami").then().statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", "Bearer")
                .body("status", equalTo(401))
                .body("code", equalTo("auth.unauthorized"));
    }

    @Test
    void expiredToken() {
        rejected(issuer.expired("acme", "ada"));
    }

    @Test
    void wrongIssuer() {
        rejected(issuer.wrongIssuer("acme", "ada"));
    }

    @Test
    void wrongAudience() {
        rejected(issuer.wrongAudience("acme", "ada"));
    }

    @Test
    void unsignedAlgNone() {
        rejected(issuer.unsigned("acme", "ada"));
    }

    @Test
    void signedByAnUnknownKey() {
        rejected(issuer.unknownKey("acme", "ada"));
    }

    @Test
    void tokenWithoutTenant() {
        rejected(issuer.withoutTenant("ada"));
    }

    @Test
    void garbage() {
        rejected("not-a-jwt");
    }

    private void rejected(String token) {
        given().auth().oauth2(token).get("/api/test/whoami").then().statusCode(401)
                .contentType("application/problem+json")
                .body("code", equalTo("auth.unauthorized"));
    }
}
