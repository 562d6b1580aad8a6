package dev.parley.presence;

import dev.parley.events.Topics;
import dev.parley.events.payload.Discovery;
import dev.parley.platform.kafka.ParleyKafka;
import dev.parley.presence.domain.RosterDirectory;
import dev.parley.presence.messaging.PresenceView;
import dev.parley.testing.ParleyTestResources;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/** {@code GET /api/me} and {@code PUT /api/me/discovery}: stored durably in the compacted discovery topic. */
@QuarkusTest
class MeTest {

    @Inject
    ParleyKafka kafka;

    final String tenant = "m-" + UUID.randomUUID().toString().substring(0, 8);

    String token(String sub) {
        return ParleyTestResources.issuer().user(tenant, sub, "Ada Lovelace");
    }

    @Test
    void meShowsWhoICanSeeWithEverythingDiscoverableByDefault() {
        given().auth().oauth2(token("ada")).get("/api/me").then().statusCode(200)
                .body("ref", equalTo("user:ada"))
                .body("tenant", equalTo(tenant))
                .body("name", equalTo("Ada Lovelace"))
                .body("discovery.channel", equalTo(true))
                .body("discovery.presence", equalTo(true))
                .body("discovery.sharedSessions", equalTo(true));
    }

    @Test
    void discoveryRoundTripsPartialUpdatesAndSurvivesARebuild() throws Exception {
        String ada = token("ada");
        given().auth().oauth2(ada).contentType(ContentType.JSON).body(Map.of("channel", false))
                .put("/api/me/discovery").then().statusCode(200)
                .body("ref", equalTo("user:ada"))
                .body("discovery.channel", equalTo(false))
                .body("discovery.presence", equalTo(true))
                .body("discovery.sharedSessions", equalTo(true));
        given().auth().oauth2(ada).contentType(ContentType.JSON).body(Map.of("sharedSessions", false))
                .put("/api/me/discovery").then().statusCode(200)
                .body("discovery.channel", equalTo(false))
                .body("discovery.sharedSessions", equalTo(false));
        given().auth().oauth2(ada).contentType(ContentType.JSON)
                .body(Map.of("channel", true, "presence", false, "sharedSessions", false))
                .put("/api/me/discovery").then().statusCode(200);
        given().auth().oauth2(ada).get("/api/me").then().statusCode(200)
                .body("discovery.channel", equalTo(true))
                .body("discovery.presence", equalTo(false))
                .body("discovery.sharedSessions", equalTo(false));
        // only Ada's view changed
        given().auth().oauth2(token("bob")).get("/api/me").then().statusCode(200)
                .body("discovery.presence", equalTo(true));

        // a restarted instance reads it back from the compacted topic
        RosterDirectory rebuilt = new RosterDirectory();
        PresenceView view = new PresenceView(() -> kafka.consumer(null, Map.of()), new Topics(""), rebuilt);
        view.start();
        try {
            assertThat(view.awaitCaughtUp(Duration.ofSeconds(20))).isTrue();
            assertThat(rebuilt.discovery(tenant, "user:ada")).contains(new Discovery(true, false, false));
            assertThat(rebuilt.discovery(tenant, "user:bob")).isEmpty();
        } finally {
            view.close();
        }
    }

    @Test
    void badDiscoveryBodiesAreRejectedAndChangeNothing() {
        String ada = token("carol");
        given().auth().oauth2(ada).contentType(ContentType.JSON).body("{\"presence\": \"no\"}")
                .put("/api/me/discovery").then().statusCode(400).body("code", equalTo("request.invalid"));
        given().auth().oauth2(ada).contentType(ContentType.JSON).body("{\"presence\": null}")
                .put("/api/me/discovery").then().statusCode(400).body("code", equalTo("request.invalid"));
        given().auth().oauth2(ada).contentType(ContentType.JSON).body("{\"colour\": true}")
                .put("/api/me/discovery").then().statusCode(400).body("code", equalTo("request.invalid"));
        given().auth().oauth2(ada).contentType(ContentType.JSON).body("[true]")
                .put("/api/me/discovery").then().statusCode(400).body("code", equalTo("request.invalid"));
        given().auth().oauth2(ada).contentType(ContentType.JSON).body("{\"presence\": fal")
                .put("/api/me/discovery").then().statusCode(400).body("code", equalTo("request.malformed_json"));
        given().auth().oauth2(ada).contentType(ContentType.JSON)
                .put("/api/me/discovery").then().statusCode(400);
        given().auth().oauth2(ada).contentType(ContentType.TEXT).body("presence=false")
                .put("/api/me/discovery").then().statusCode(415);
        given().auth().oauth2(ada).get("/api/me").then().statusCode(200)
                .body("discovery.presence", equalTo(true));
    }

    @Test
    void appTokensHaveNoMe() {
        String app = ParleyTestResources.issuer().app(tenant, "marketing");
        given().auth().oauth2(app).get("/api/me").then().statusCode(403).body("code", equalTo("auth.forbidden"));
        given().auth().oauth2(app).contentType(ContentType.JSON).body(Map.of("channel", false))
                .put("/api/me/discovery").then().statusCode(403);
        given().auth().oauth2(app).post("/api/presence/activity").then().statusCode(403);
        given().auth().oauth2(app).get("/api/presence").then().statusCode(200);
    }
}
