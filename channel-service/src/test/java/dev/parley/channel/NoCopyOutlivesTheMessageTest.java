package dev.parley.channel;

import dev.parley.channel.messaging.ChannelTopic;
import dev.parley.channel.service.RetentionJob;
import dev.parley.testing.ParleyTestResources;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.parley.channel.ChannelApi.as;
import static dev.parley.channel.ChannelApi.post;
import static dev.parley.channel.ChannelApi.postText;
import static dev.parley.channel.ChannelApi.tenant;
import static dev.parley.channel.ChannelApi.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

/**
 * Issue 21: an expired or deleted channel message leaves no copy of its text or its file names in any table of
 * channel-service (stream log and idempotency records included), in the blob store, or — once the window has passed —
 * among the records the Kafka topic retains; the topic's {@code retention.ms} is the channel's window. Retention runs
 * in bounded batches while posts go on, and the post latency during the run is logged. Window 3 s
 * ({@link TightLimitsProfile}).
 */
@QuarkusTest
@TestProfile(TightLimitsProfile.class)
class NoCopyOutlivesTheMessageTest {

    private static final Logger LOG = Logger.getLogger(NoCopyOutlivesTheMessageTest.class);

    @Inject
    RetentionJob job;

    @Inject
    ChannelTopic topic;

    static String uploadWithKey(String token, String key, String name, String content) {
        return as(token).header("Idempotency-Key", key)
                .multiPart("file", name, content.getBytes(StandardCharsets.UTF_8), "text/plain")
                .post("/api/attachments").then().statusCode(201).extract().path("id");
    }

    static String postWithKey(String token, String key, Map<String, Object> body) {
        return as(token).header("Idempotency-Key", key).contentType(ContentType.JSON).body(body)
                .post("/api/channel/messages").then().statusCode(201).extract().path("id");
    }

    static void edit(String token, String id, String body) {
        as(token).contentType(ContentType.JSON).body(Map.of("body", body)).patch("/api/channel/messages/" + id)
                .then().statusCode(200);
    }

    static long count(String sql, String arg) throws Exception {
        try (Connection c = ParleyTestResources.postgres().connect("channel");
             PreparedStatement st = c.prepareStatement(sql)) {
            st.setString(1, arg);
            ResultSet rs = st.executeQuery();
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Waits (polling) until everything created so far is older than the window. */
    static void letTheWindowPass() {
        Instant until = Instant.now().plusMillis(TightLimitsProfile.WINDOW_MS + 200);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> Instant.now().isAfter(until));
    }

    void awaitPublished(String tenant) {
        await().atMost(Duration.ofSeconds(20)).until(() -> count(
                "SELECT count(*) FROM stream_log WHERE stream_key = ? AND NOT published", tenant + "/channel") == 0);
    }

    static void assertNoCopyInTheDatabaseOrBlobStore(List<String> markers) throws Exception {
        for (String marker : markers) {
            assertThat(Copies.inTables(marker)).as("rows carrying %s", marker).isEmpty();
            assertThat(Copies.inBlobs(marker)).as("blobs carrying %s", marker).isEmpty();
        }
    }

    @Test
    void theEventsTopicKeepsRecordsForTheChannelWindow() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() ->
                Long.toString(TightLimitsProfile.WINDOW_MS).equals(Copies.topicConfig(topic.name(), "retention.ms")));
        assertThat(topic.name()).isEqualTo("tight.parley.channel.events.v1");
        assertThat(Copies.topicConfig(topic.name(), "segment.ms")).isEqualTo("60000");
    }

    @Test
    void aDeletedOrExpiredMessageLeavesNoCopyAnywhere() throws Exception {
        String m = UUID.randomUUID().toString().substring(0, 8);
        String t = tenant();
        String ada = user(t, "ada");
        String bob = user(t, "bob");

        // ---- a delete: post (with an attachment), react, edit, reply (quoting it), react to the reply, delete ----
        String goneBody = "gone-body-" + m;
        String goneEdit = "gone-edit-" + m;
        String goneName = "gone-name-" + m;
        String goneBytes = "gone-bytes-" + m;
        String upload = uploadWithKey(ada, "u-" + m, goneName + ".txt", goneBytes + " content");
        String gone = postWithKey(ada, "p-" + m, Map.of("body", goneBody + " the launch code", "attachments", List.of(upload)));
        as(bob).put("/api/channel/messages/" + gone + "/reactions/👍").then().statusCode(200);
        edit(ada, gone, goneEdit + " (edited)");
        String reply = postWithKey(bob, "r-" + m, Map.of("body", "a reply", "replyTo", gone));
        as(ada).put("/api/channel/messages/" + reply + "/reactions/🎉").then().statusCode(200);
        awaitPublished(t);
        List<String> deletedMarkers = List.of(goneBody, goneEdit, goneName, goneBytes);
        assertThat(Copies.inTables(goneEdit)).as("the search finds what is there").isNotEmpty();
        assertThat(Copies.inBlobs(goneBytes)).isNotEmpty();

        as(ada).delete("/api/channel/messages/" + gone).then().statusCode(204);
        awaitPublished(t);

        assertNoCopyInTheDatabaseOrBlobStore(deletedMarkers);
        as(bob).get("/api/channel/messages/" + reply).then().statusCode(200)
                .body("replyTo.deleted", equalTo(true)).body("replyTo.excerpt", nullValue());
        // Kafka is append-only: the records published before the delete keep their bytes until the window drops
        // them (below); nothing published from the delete on carries the text (ADR 0033)
        List<ConsumerRecord<String, byte[]>> records = Copies.onKafka(topic.name());
        ConsumerRecord<String, byte[]> deletedEvent = records.stream()
                .filter(r -> r.key().equals(t + "/channel"))
                .filter(r -> new String(r.value(), StandardCharsets.UTF_8).contains("\"message.deleted\""))
                .findFirst().orElseThrow();
        for (String marker : deletedMarkers) {
            for (ConsumerRecord<String, byte[]> r : Copies.carrying(records, marker)) {
                assertThat(r.partition()).isEqualTo(deletedEvent.partition());
                assertThat(r.offset()).as("a record carrying %s", marker).isLessThan(deletedEvent.offset());
            }
        }
        assertThat(Copies.carrying(records, goneEdit)).as("the Kafka search finds what is there").isNotEmpty();
        // the next retention run truncates the partitions of channels with a recent delete: no copy is left on Kafka
        RetentionJob.Result purge = job.expire().await().atMost(Duration.ofSeconds(120));
        assertThat(purge.kafkaRecords()).isPositive();
        List<ConsumerRecord<String, byte[]>> afterPurge = Copies.onKafka(topic.name());
        for (String marker : deletedMarkers) {
            assertThat(Copies.carrying(afterPurge, marker)).as("Kafka records carrying %s after the run", marker)
                    .isEmpty();
        }

        // ---- expiry, with later copies: a message whose edit, reactions and quoting reply come after its window --
        String oldBody = "old-body-" + m;
        String oldEdit = "old-edit-" + m;
        String oldName = "old-name-" + m;
        String oldBytes = "old-bytes-" + m;
        String oldUpload = uploadWithKey(ada, "u2-" + m, oldName + ".txt", oldBytes + " content");
        String old = postWithKey(ada, "p2-" + m, Map.of("body", oldBody + " expires", "attachments", List.of(oldUpload)));
        as(bob).put("/api/channel/messages/" + old + "/reactions/👀").then().statusCode(200);
        // bulk for the batches: 240 messages of another tenant, older than the window when the job runs
        String other = user(tenant(), "carol");
        for (int i = 0; i < 240; i++) {
            postText(other, "bulk " + i);
        }
        letTheWindowPass();
        edit(ada, old, oldEdit + " (edited after its window)");
        as(bob).put("/api/channel/messages/" + old + "/reactions/🔥").then().statusCode(200);
        String lateReply = postWithKey(bob, "r2-" + m, Map.of("body", "a late reply", "replyTo", old));
        awaitPublished(t);
        List<String> expiredMarkers = List.of(oldBody, oldEdit, oldName, oldBytes);
        assertThat(Copies.inTables(oldEdit)).isNotEmpty();

        // a member posts the whole time the job runs; every post's latency is recorded
        String dave = user(tenant(), "dave");
        AtomicBoolean stop = new AtomicBoolean();
        ConcurrentLinkedQueue<long[]> posts = new ConcurrentLinkedQueue<>(); // start nanos, latency nanos, status
        Thread poster = new Thread(() -> {
            int i = 0;
            while (!stop.get()) {
                long start = System.nanoTime();
                int status = post(dave, Map.of("body", "during retention " + i++)).extract().statusCode();
                posts.add(new long[] {start, System.nanoTime() - start, status});
            }
        }, "poster");
        poster.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> posts.size() >= 20);
        long jobStart = System.nanoTime();
        RetentionJob.Result result = job.expire().await().atMost(Duration.ofSeconds(120));
        long jobEnd = System.nanoTime();
        int postsBefore = posts.size();
        await().atMost(Duration.ofSeconds(30)).until(() -> posts.size() >= postsBefore + 10);
        stop.set(true);
        poster.join(20_000);

        List<Long> before = new ArrayList<>();
        List<Long> during = new ArrayList<>();
        for (long[] p : posts) {
            assertThat(p[2]).as("every post while retention runs").isEqualTo(201);
            (p[0] >= jobStart && p[0] <= jobEnd ? during : p[0] < jobStart ? before : new ArrayList<Long>()).add(p[1]);
        }
        LOG.infof("retention run: %d ms, %d batches of at most %d, %d messages, %d attachments, %d events trimmed, "
                        + "%d copies scrubbed, %d Kafka records deleted", (jobEnd - jobStart) / 1_000_000,
                result.batches(), 10, result.messages(), result.attachments(), result.events(), result.scrubbed(),
                result.kafkaRecords());
        LOG.infof("post latency before the run: %s; during the run: %s", stats(before), stats(during));
        assertThat(result.batches()).as("bounded batches").isGreaterThan(20);
        assertThat(result.messages()).isGreaterThanOrEqualTo(241);
        assertThat(during).as("posts went on during the run").isNotEmpty();
        assertThat(Collections.max(during)).as("no post stalled behind retention (ns)")
                .isLessThan(Duration.ofSeconds(5).toNanos());

        // the expired message: no row, record, blob or later envelope carries its text or its file's name
        assertNoCopyInTheDatabaseOrBlobStore(expiredMarkers);
        as(bob).get("/api/channel/messages/" + old).then().statusCode(404);
        as(bob).get("/api/channel/messages/" + lateReply).then().statusCode(200)
                .body("replyTo.id", equalTo(old)).body("replyTo.deleted", equalTo(true))
                .body("replyTo.excerpt", nullValue());
        assertThat(count("SELECT count(*) FROM stream_log WHERE stream_key = ? AND strpos(envelope, 'old-') > 0",
                t + "/channel")).isZero();
        // Kafka: the records older than the window are gone; what remains of the message was published after its
        // window began (its late edit, reaction and the quoting reply) and goes when that passes
        long cutoff = System.currentTimeMillis() - TightLimitsProfile.WINDOW_MS
                - Duration.ofNanos(System.nanoTime() - jobStart).toMillis();
        for (String marker : expiredMarkers) {
            for (ConsumerRecord<String, byte[]> r : Copies.carrying(Copies.onKafka(topic.name()), marker)) {
                assertThat(r.timestamp()).as("a Kafka record carrying %s", marker).isGreaterThanOrEqualTo(cutoff - 1000);
            }
        }
        assertThat(Copies.carrying(Copies.onKafka(topic.name()), goneBody)).as("the deleted message's old records")
                .isEmpty();

        // ---- and once the window has passed over everything: no record on Kafka carries any of it ----------------
        letTheWindowPass();
        RetentionJob.Result last = job.expire().await().atMost(Duration.ofSeconds(120));
        LOG.infof("second retention run: %d messages, %d events trimmed, %d Kafka records deleted", last.messages(),
                last.events(), last.kafkaRecords());
        List<ConsumerRecord<String, byte[]>> retained = Copies.onKafka(topic.name());
        for (String marker : List.of(goneBody, goneEdit, goneName, oldBody, oldEdit, oldName)) {
            assertThat(Copies.carrying(retained, marker)).as("Kafka records carrying %s", marker).isEmpty();
        }
        assertNoCopyInTheDatabaseOrBlobStore(List.of(goneBody, goneEdit, goneName, goneBytes, oldBody, oldEdit, oldName,
                oldBytes));
        assertThat(count("SELECT count(*) FROM channel_message WHERE tenant = ?", t)).isZero();
    }

    /** A retention window changed between runs applies to the messages already there at the next run. */
    @Test
    void aChangedWindowAppliesToOldMessagesAtTheNextRun() {
        String t = tenant();
        String ada = user(t, "ada");
        String id = postText(ada, "kept under a long window");
        letTheWindowPass();
        job.expire(Duration.ofHours(1)).await().atMost(Duration.ofSeconds(60));
        as(ada).get("/api/channel/messages/" + id).then().statusCode(200);
        job.expire(Duration.ofMillis(TightLimitsProfile.WINDOW_MS)).await().atMost(Duration.ofSeconds(60));
        as(ada).get("/api/channel/messages/" + id).then().statusCode(404);
    }

    static String stats(List<Long> nanos) {
        if (nanos.isEmpty()) {
            return "no posts";
        }
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        return String.format("n=%d p50=%.1f ms p95=%.1f ms max=%.1f ms", sorted.size(),
                sorted.get(sorted.size() / 2) / 1e6, sorted.get((int) Math.min(sorted.size() - 1, sorted.size() * 0.95)) / 1e6,
                sorted.get(sorted.size() - 1) / 1e6);
    }
}
