package dev.parley.platform;

import dev.parley.testing.TopicTail;
import dev.parley.testing.ParleyTestResources;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.LongStream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/** The outbox + stream log on real PostgreSQL and Kafka. */
@QuarkusTest
class StreamLogTest {

    static final String TOPIC = "parley.channel.events.v1";

    String token(String tenant) {
        return ParleyTestResources.issuer().user(tenant, "writer");
    }

    @Test
    void concurrentWritersGetEverySeqOnceAndKafkaCarriesThemInOrder() throws Exception {
        UUID room = UUID.randomUUID();
        String key = "acme/room:" + room;
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<CompletableFuture<Integer>> writers = new ArrayList<>();
            for (int w = 0; w < 8; w++) {
                // each writer appends 500 events, 50 per request (each event its own transaction)
                writers.add(CompletableFuture.supplyAsync(() -> {
                    int written = 0;
                    for (int request = 0; request < 10; request++) {
                        written += given().auth().oauth2(token("acme"))
                                .post("/api/test/burst?room=" + room + "&count=50")
                                .then().statusCode(200).extract().as(Integer.class);
                    }
                    return written;
                }, pool));
            }
            for (CompletableFuture<Integer> writer : writers) {
                assertThat(writer.get()).isEqualTo(500);
            }
        } finally {
            pool.shutdown();
        }
        List<Long> expected = LongStream.rangeClosed(1, 4000).boxed().toList();
        try (Connection c = ParleyTestResources.postgres().connect("platform");
             ResultSet rs = c.createStatement().executeQuery(
                     "SELECT seq FROM stream_log WHERE stream_key = '" + key + "' ORDER BY seq")) {
            List<Long> stored = new ArrayList<>();
            while (rs.next()) {
                stored.add(rs.getLong(1));
            }
            assertThat(stored).isEqualTo(expected);
        }
        try (TopicTail tail = new TopicTail(TOPIC, key)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> tail.seqs().size() >= 4000);
            assertThat(tail.seqs()).isEqualTo(expected);
        }
    }

    @Test
    void multiStreamAppendsInEitherOrderNeitherDeadlockNorLeaveGaps() throws Exception {
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<CompletableFuture<Integer>> writers = new ArrayList<>();
            for (int w = 0; w < 8; w++) {
                // half the writers name a first, half b first: the heads are still locked in one order
                String query = w % 2 == 0 ? "first=" + a + "&second=" + b : "first=" + b + "&second=" + a;
                writers.add(CompletableFuture.supplyAsync(() -> {
                    int written = 0;
                    for (int request = 0; request < 10; request++) {
                        written += given().auth().oauth2(token("acme"))
                                .post("/api/test/batch?" + query + "&count=20")
                                .then().statusCode(200).extract().as(Integer.class);
                    }
                    return written;
                }, pool));
            }
            for (CompletableFuture<Integer> writer : writers) {
                assertThat(writer.get()).isEqualTo(200);
            }
        } finally {
            pool.shutdown();
        }
        List<Long> expected = LongStream.rangeClosed(1, 800).boxed().toList();
        for (UUID room : List.of(a, b)) {
            String key = "acme/room:" + room;
            try (Connection c = ParleyTestResources.postgres().connect("platform");
                 ResultSet rs = c.createStatement().executeQuery("SELECT seq, envelope FROM stream_log "
                         + "WHERE stream_key = '" + key + "' ORDER BY seq")) {
                List<Long> stored = new ArrayList<>();
                while (rs.next()) {
                    stored.add(rs.getLong(1));
                    // each event's data carries the seq it was given, and its envelope says the same
                    JsonPath envelope = new JsonPath(rs.getString(2));
                    assertThat(envelope.getLong("seq")).isEqualTo(rs.getLong(1));
                    assertThat(envelope.getLong("data.seq")).isEqualTo(rs.getLong(1));
                }
                assertThat(stored).isEqualTo(expected);
            }
            given().auth().oauth2(token("acme")).get("/internal/streams/room:" + room)
                    .then().statusCode(200).body("head", equalTo(800));
        }
        try (TopicTail tail = new TopicTail(TOPIC, "acme/room:" + a)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> tail.seqs().size() >= 800);
            assertThat(tail.seqs()).isEqualTo(expected);
        }
    }

    @Test
    void workThatOutlivesItsTransactionWritesNothing() throws Exception {
        UUID room = UUID.randomUUID();
        String key = "acme/room:" + room;
        for (String mode : List.of("closed", "committed", "untransacted")) {
            String outcome = given().auth().oauth2(token("acme"))
                    .post("/api/test/stale?room=" + room + "&mode=" + mode).then().statusCode(200).extract().asString();
            assertThat(outcome).as(mode).isNotEqualTo("written")
                    .containsAnyOf("session is closed", "inside a transaction");
        }
        try (Connection c = ParleyTestResources.postgres().connect("platform");
             ResultSet rs = c.createStatement().executeQuery("SELECT (SELECT count(*) FROM stream_head WHERE stream_key = '"
                     + key + "') + (SELECT count(*) FROM stream_log WHERE stream_key = '" + key + "')")) {
            rs.next();
            assertThat(rs.getLong(1)).isZero();
        }
        // and the stream works normally afterwards, from seq 1
        given().auth().oauth2(token("acme")).post("/api/test/burst?room=" + room + "&count=2").then().statusCode(200);
        given().auth().oauth2(token("acme")).get("/internal/streams/room:" + room + "/events?after=0")
                .then().statusCode(200).body("items.seq", org.hamcrest.Matchers.contains(1, 2));
    }

    @Test
    void replayReturnsExactlyTheEventsAfterAPosition() {
        UUID room = UUID.randomUUID();
        given().auth().oauth2(token("acme")).post("/api/test/burst?room=" + room + "&count=25").then().statusCode(200);

        JsonPath page = given().auth().oauth2(token("acme"))
                .get("/internal/streams/room:" + room + "/events?after=10&limit=5")
                .then().statusCode(200).extract().jsonPath();
        assertThat(page.getList("items.seq", Long.class)).containsExactly(11L, 12L, 13L, 14L, 15L);
        assertThat(page.getList("items.stream", String.class)).containsOnly("room:" + room);
        assertThat(page.getLong("head")).isEqualTo(25);

        JsonPath rest = given().auth().oauth2(token("acme"))
                .get("/internal/streams/room:" + room + "/events?after=20")
                .then().statusCode(200).extract().jsonPath();
        assertThat(rest.getList("items.seq", Long.class)).containsExactly(21L, 22L, 23L, 24L, 25L);
        assertThat(rest.getList("items.type", String.class)).containsOnly("burst");

        given().auth().oauth2(token("acme")).get("/internal/streams/room:" + room + "/events?after=25")
                .then().statusCode(200).body("items.size()", equalTo(0));
        given().auth().oauth2(token("acme")).get("/internal/streams/room:" + room)
                .then().statusCode(200).body("head", equalTo(25)).body("earliest", equalTo(1))
                .body("stream", equalTo("room:" + room));
    }

    @Test
    void streamsAreIsolatedPerTenant() {
        UUID room = UUID.randomUUID();
        given().auth().oauth2(token("acme")).post("/api/test/burst?room=" + room + "&count=3").then().statusCode(200);
        given().auth().oauth2(token("globex")).get("/internal/streams/room:" + room + "/events?after=0")
                .then().statusCode(200).body("items.size()", equalTo(0)).body("head", equalTo(0));
    }

    @Test
    void aStreamTheCallerMayNotSeeIsNotFound() {
        UUID hidden = new UUID(42, 0);
        given().auth().oauth2(token("acme")).get("/internal/streams/room:" + hidden)
                .then().statusCode(404).body("code", equalTo("request.not_found"));
        given().auth().oauth2(token("acme")).get("/internal/streams/room:" + hidden + "/events?after=0")
                .then().statusCode(404);
    }

    @Test
    void aPositionOlderThanTheStreamKeepsGetsOneReset() throws Exception {
        UUID room = UUID.randomUUID();
        String key = "acme/room:" + room;
        given().auth().oauth2(token("acme")).post("/api/test/burst?room=" + room + "&count=10").then().statusCode(200);
        try (Connection c = ParleyTestResources.postgres().connect("platform")) {
            // what retention does: drop 1..6 and move earliest
            c.createStatement().execute("DELETE FROM stream_log WHERE stream_key = '" + key + "' AND seq <= 6");
            c.createStatement().execute("UPDATE stream_head SET earliest = 7 WHERE stream_key = '" + key + "'");
        }
        JsonPath reset = given().auth().oauth2(token("acme"))
                .get("/internal/streams/room:" + room + "/events?after=2")
                .then().statusCode(200).extract().jsonPath();
        assertThat(reset.getList("items.type", String.class)).containsExactly("reset");
        assertThat(reset.getLong("items[0].data.earliest")).isEqualTo(7);
        assertThat(reset.getLong("items[0].data.head")).isEqualTo(10);
        JsonPath fine = given().auth().oauth2(token("acme"))
                .get("/internal/streams/room:" + room + "/events?after=6")
                .then().statusCode(200).extract().jsonPath();
        assertThat(fine.getList("items.seq", Long.class)).containsExactly(7L, 8L, 9L, 10L);
    }
}
