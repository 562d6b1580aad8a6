package dev.parley.platform;

import dev.parley.testing.EmbeddedPg;
import dev.parley.testing.ParleyTestResources;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A database outage answers 503 with {@code Retry-After}, never a 500, writes nothing half, and the service recovers
 * by itself once PostgreSQL is back (issue 23, item 8).
 */
@QuarkusTest
class DatabaseOutageTest {

    @Test
    void postingDuringADatabaseOutageIs503AndRecoversByItself() throws Exception {
        String token = ParleyTestResources.issuer().user("acme", "outage");
        UUID room = UUID.randomUUID();
        List<String> created = new ArrayList<>();
        created.add(post(token, room, "before").then().statusCode(201).extract().path("data.id"));

        EmbeddedPg pg = ParleyTestResources.postgres();
        pg.stop();
        try {
            long started = System.nanoTime();
            Response during = post(token, room, "during");
            assertThat(during.statusCode()).isEqualTo(503);
            assertThat(during.jsonPath().getString("code")).isEqualTo("service.unavailable");
            assertThat(during.header("Retry-After")).isEqualTo("5");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
            // every later attempt during the outage is a 503 too, never a 500
            for (int i = 0; i < 5; i++) {
                assertThat(post(token, room, "during-" + i).statusCode()).isEqualTo(503);
            }
        } finally {
            pg.start();
        }

        // back by itself: no restart of the service
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            Response after = post(token, room, "after");
            if (after.statusCode() == 201) {
                created.add(after.jsonPath().getString("data.id"));
                return true;
            }
            assertThat(after.statusCode()).isEqualTo(503);
            return false;
        });
        // nothing half-written: exactly the notes that got a 201, each with its one event
        try (Connection c = pg.connect("platform");
             PreparedStatement notes = c.prepareStatement("SELECT count(*) FROM note WHERE text LIKE 'during%'");
             PreparedStatement events = c.prepareStatement("SELECT count(*) FROM stream_log WHERE stream_key = ?")) {
            try (ResultSet rs = notes.executeQuery()) {
                rs.next();
                assertThat(rs.getLong(1)).isZero();
            }
            events.setString(1, "acme/room:" + room);
            try (ResultSet rs = events.executeQuery()) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(created.size());
            }
        }
    }

    private static Response post(String token, UUID room, String text) {
        return given().auth().oauth2(token).contentType("application/json")
                .body("{\"text\": \"" + text + "\", \"room\": \"" + room + "\"}").post("/api/test/notes");
    }
}
