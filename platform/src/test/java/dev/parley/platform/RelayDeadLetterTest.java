package dev.parley.platform;

import dev.parley.platform.metrics.PlatformMetrics;
import dev.parley.testing.ParleyTestResources;
import dev.parley.testing.TopicTail;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.LongStream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * One event the broker refuses (over its record limit) never blocks the relay: it is set aside as a dead letter and
 * its stream and every other one go on, in order (issue 23, item 1).
 */
@QuarkusTest
class RelayDeadLetterTest {

    @Inject
    MeterRegistry registry;

    @Test
    void aRecordTheBrokerRefusesIsSetAsideAndEveryStreamGoesOnInOrder() throws Exception {
        String token = ParleyTestResources.issuer().user("acme", "writer");
        UUID stuck = UUID.randomUUID();
        UUID other = UUID.randomUUID();
        String stuckKey = "acme/room:" + stuck;
        String otherKey = "acme/room:" + other;
        double before = deadLettered();

        // seq 1 of the stuck stream is over Kafka's 1 MiB record limit, written straight into the log (as an older
        // version without the event cap could have), then 100 more events on it and 100 on another stream
        insertOversized(stuckKey, 1_100_000);
        given().auth().oauth2(token).post("/api/test/burst?room=" + stuck + "&count=100").then().statusCode(200);
        given().auth().oauth2(token).post("/api/test/burst?room=" + other + "&count=100").then().statusCode(200);

        try (TopicTail stuckTail = new TopicTail(StreamLogTest.TOPIC, stuckKey);
             TopicTail otherTail = new TopicTail(StreamLogTest.TOPIC, otherKey)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> stuckTail.seqs().size() >= 100
                    && otherTail.seqs().size() >= 100);
            assertThat(stuckTail.seqs()).isEqualTo(LongStream.rangeClosed(2, 101).boxed().toList());
            assertThat(otherTail.seqs()).isEqualTo(LongStream.rangeClosed(1, 100).boxed().toList());
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> unpublished(stuckKey) == 0);
        assertThat(deadLetters(stuckKey)).singleElement().asString()
                .startsWith("1 burst org.apache.kafka.common.errors.RecordTooLargeException");
        assertThat(deadLettered()).isEqualTo(before + 1);
        // the event itself is still served by replay from the owner
        given().auth().oauth2(token).get("/internal/streams/room:" + stuck + "/events?after=0&limit=1")
                .then().statusCode(200).body("items[0].seq", equalTo(1));
    }

    @Test
    void anAppendOverTheEventCapIsRefusedAndWritesNothing() throws Exception {
        String token = ParleyTestResources.issuer().user("acme", "writer");
        UUID room = UUID.randomUUID();
        given().auth().oauth2(token).post("/api/test/sized?room=" + room + "&chars=1000").then().statusCode(200)
                .body(equalTo("1"));
        given().auth().oauth2(token).post("/api/test/sized?room=" + room + "&chars=" + (512 * 1024))
                .then().statusCode(422).body("code", equalTo("event.too_large"));
        // nothing of the refused event was written: the next event is seq 2
        given().auth().oauth2(token).post("/api/test/sized?room=" + room + "&chars=10").then().statusCode(200)
                .body(equalTo("2"));
    }

    private double deadLettered() {
        var counter = registry.find(PlatformMetrics.STREAM_LOG_DEAD_LETTERED).counter();
        return counter == null ? 0 : counter.count();
    }

    private static void insertOversized(String key, int chars) throws Exception {
        String envelope = "{\"stream\":\"room\",\"seq\":1,\"type\":\"burst\",\"at\":\"2026-12-03T00:00:00Z\","
                + "\"data\":{\"text\":\"" + "x".repeat(chars) + "\"}}";
        try (Connection c = ParleyTestResources.postgres().connect("platform")) {
            c.setAutoCommit(false);
            try (PreparedStatement head = c.prepareStatement("INSERT INTO stream_head (stream_key, head) VALUES (?, 1)");
                 PreparedStatement log = c.prepareStatement("INSERT INTO stream_log (stream_key, seq, type, at, "
                         + "envelope) VALUES (?, 1, 'burst', now(), ?)")) {
                head.setString(1, key);
                head.executeUpdate();
                log.setString(1, key);
                log.setString(2, envelope);
                log.executeUpdate();
            }
            c.commit();
        }
    }

    private static long unpublished(String key) throws Exception {
        try (Connection c = ParleyTestResources.postgres().connect("platform");
             PreparedStatement q = c.prepareStatement(
                     "SELECT count(*) FROM stream_log WHERE stream_key = ? AND NOT published")) {
            q.setString(1, key);
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static List<String> deadLetters(String key) throws Exception {
        try (Connection c = ParleyTestResources.postgres().connect("platform");
             PreparedStatement q = c.prepareStatement(
                     "SELECT seq, type, reason FROM stream_log_dead_letter WHERE stream_key = ? ORDER BY seq")) {
            q.setString(1, key);
            try (ResultSet rs = q.executeQuery()) {
                List<String> rows = new java.util.ArrayList<>();
                while (rs.next()) {
                    rows.add(rs.getLong(1) + " " + rs.getString(2) + " " + rs.getString(3));
                }
                return rows;
            }
        }
    }
}
