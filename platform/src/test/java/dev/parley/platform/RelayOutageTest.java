package dev.parley.platform;

import dev.parley.platform.metrics.PlatformMetrics;
import dev.parley.testing.TopicTail;
import dev.parley.testing.EmbeddedKafka;
import dev.parley.testing.ParleyTestResources;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.LongStream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The broker is down when events commit; once it is back, every event arrives, in order, exactly once. */
@QuarkusTest
class RelayOutageTest {

    @Test
    void eventsCommittedDuringABrokerOutageArriveOnceInOrderAfterIt() throws Exception {
        EmbeddedKafka kafka = ParleyTestResources.kafka();
        UUID room = UUID.randomUUID();
        String key = "acme/room:" + room;
        String token = ParleyTestResources.issuer().user("acme", "writer");
        // the topic exists and the relay is warm before the outage
        given().auth().oauth2(token).post("/api/test/burst?room=" + room + "&count=1").then().statusCode(200);
        try (TopicTail tail = new TopicTail(StreamLogTest.TOPIC, key)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> tail.seqs().size() == 1);
        }

        kafka.stop();
        try {
            given().auth().oauth2(token).post("/api/test/burst?room=" + room + "&count=49").then().statusCode(200);
            // committed, but nothing can be published while the broker is away
            assertThat(unpublished(key)).isEqualTo(49);
            // and the backlog shows on the gauges although the relay publishes nothing (issue 18, item 2)
            await().atMost(Duration.ofSeconds(30)).until(() -> gauge(PlatformMetrics.STREAM_LOG_PENDING) >= 49
                    && gauge(PlatformMetrics.STREAM_LOG_OLDEST_PENDING_AGE) >= 1);
        } finally {
            kafka.start();
        }

        await().atMost(Duration.ofSeconds(90)).until(() -> unpublished(key) == 0);
        await().atMost(Duration.ofSeconds(30)).until(() -> gauge(PlatformMetrics.STREAM_LOG_PENDING) == 0
                && gauge(PlatformMetrics.STREAM_LOG_OLDEST_PENDING_AGE) == 0);
        try (TopicTail tail = new TopicTail(StreamLogTest.TOPIC, key)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> tail.seqs().size() >= 50);
            assertThat(tail.seqs()).isEqualTo(LongStream.rangeClosed(1, 50).boxed().toList());
        }
    }

    @jakarta.inject.Inject
    io.micrometer.core.instrument.MeterRegistry registry;

    private double gauge(String name) {
        var gauge = registry.find(name).gauge();
        return gauge == null ? -1 : gauge.value();
    }

    private long unpublished(String key) throws Exception {
        try (Connection c = ParleyTestResources.postgres().connect("platform");
             ResultSet rs = c.createStatement().executeQuery(
                     "SELECT count(*) FROM stream_log WHERE stream_key = '" + key + "' AND NOT published")) {
            rs.next();
            return rs.getLong(1);
        }
    }

}
