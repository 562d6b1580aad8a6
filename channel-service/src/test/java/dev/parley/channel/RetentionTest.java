package dev.parley.channel;

import dev.parley.channel.blob.BlobStore;
import dev.parley.channel.service.RetentionJob;
import dev.parley.testing.ParleyTestResources;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.parley.channel.ChannelApi.as;
import static dev.parley.channel.ChannelApi.post;
import static dev.parley.channel.ChannelApi.postText;
import static dev.parley.channel.ChannelApi.tenant;
import static dev.parley.channel.ChannelApi.user;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

/**
 * Retention with the test window of 1 h (%test.parley.channel.retention.period): messages made "old" by moving their
 * creation time back go with their reactions, attachment rows and blobs; fresh ones stay; the stream log is trimmed.
 */
@QuarkusTest
class RetentionTest {

    @Inject
    RetentionJob job;

    @Inject
    BlobStore blobs;

    static int update(String sql, String tenant) throws Exception {
        try (Connection c = ParleyTestResources.postgres().connect("channel");
             PreparedStatement st = c.prepareStatement(sql)) {
            st.setString(1, tenant);
            return st.executeUpdate();
        }
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

    @Test
    void expiredMessagesReactionsBlobsAndEventsAreDeletedFreshOnesStay() throws Exception {
        String t = tenant();
        String ada = user(t, "ada");
        String bob = user(t, "bob");

        List<String> old = new ArrayList<>();
        List<String> oldBlobKeys = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            String upload = as(ada).multiPart("file", "f" + i + ".txt", ("old file " + i).getBytes(StandardCharsets.UTF_8),
                    "text/plain").post("/api/attachments").then().statusCode(201).extract().path("id");
            String id = post(ada, Map.of("body", "old " + i, "attachments", List.of(upload))).statusCode(201)
                    .extract().path("id");
            as(bob).put("/api/channel/messages/" + id + "/reactions/👍").then().statusCode(200);
            old.add(id);
            try (Connection c = ParleyTestResources.postgres().connect("channel");
                 PreparedStatement st = c.prepareStatement("SELECT blob_key FROM channel_attachment WHERE id = ?::uuid")) {
                st.setString(1, upload);
                ResultSet rs = st.executeQuery();
                rs.next();
                oldBlobKeys.add(rs.getString(1));
            }
        }
        long oldHead = 14; // 7 x (message.created + reaction.added)
        // everything so far becomes older than the window
        assertThat(update("UPDATE channel_message SET created_at = now() - interval '2 hours' WHERE tenant = ?", t))
                .isEqualTo(7);
        // the events must be published before the log may drop them
        await().atMost(Duration.ofSeconds(20)).until(() -> count(
                "SELECT count(*) FROM stream_log WHERE stream_key = ? AND published", t + "/channel") == oldHead);
        update("UPDATE stream_log SET at = now() - interval '2 hours' WHERE stream_key = ?", t + "/channel");

        String freshUpload = as(ada).multiPart("file", "fresh.txt", "fresh".getBytes(StandardCharsets.UTF_8), "text/plain")
                .post("/api/attachments").then().statusCode(201).extract().path("id");
        String fresh = post(ada, Map.of("body", "fresh", "attachments", List.of(freshUpload))).statusCode(201)
                .extract().path("id");
        as(bob).put("/api/channel/messages/" + fresh + "/reactions/🎉").then().statusCode(200);
        String reply = post(bob, Map.of("body", "replying to an old one", "replyTo", old.get(0))).statusCode(201)
                .extract().path("id");
        for (int i = 0; i < 20; i++) {
            postText(bob, "filler " + i);
        }

        // a reader pages through the channel the whole time the job runs
        AtomicBoolean done = new AtomicBoolean();
        ConcurrentLinkedQueue<Integer> statuses = new ConcurrentLinkedQueue<>();
        Thread reader = new Thread(() -> {
            while (!done.get()) {
                Long before = null;
                do {
                    var response = as(bob).queryParams(before == null ? Map.of("limit", "3")
                            : Map.of("limit", "3", "before", before.toString())).get("/api/channel/messages");
                    statuses.add(response.statusCode());
                    Object next = response.statusCode() == 200 ? response.path("nextBefore") : null;
                    before = next == null ? null : ((Number) next).longValue();
                } while (before != null && !done.get());
            }
        });
        reader.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> statuses.size() >= 3);
        RetentionJob.Result result = job.expire().await().atMost(Duration.ofSeconds(60));
        await().atMost(Duration.ofSeconds(20)).until(() -> statuses.size() >= 20);
        done.set(true);
        reader.join(20_000);

        assertThat(statuses).isNotEmpty().containsOnly(200);
        assertThat(result.messages()).isGreaterThanOrEqualTo(7);
        assertThat(result.events()).isGreaterThanOrEqualTo(oldHead);

        // the database: old messages, their reactions and attachments are gone; the fresh ones stay
        for (String id : old) {
            assertThat(count("SELECT count(*) FROM channel_message WHERE id = ?::uuid", id)).isZero();
            assertThat(count("SELECT count(*) FROM channel_reaction WHERE message_id = ?::uuid", id)).isZero();
            assertThat(count("SELECT count(*) FROM channel_attachment WHERE message_id = ?::uuid", id)).isZero();
        }
        assertThat(count("SELECT count(*) FROM channel_message WHERE id = ?::uuid", fresh)).isOne();
        assertThat(count("SELECT count(*) FROM channel_reaction WHERE message_id = ?::uuid", fresh)).isOne();
        assertThat(count("SELECT count(*) FROM channel_attachment WHERE message_id = ?::uuid", fresh)).isOne();
        assertThat(count("SELECT count(*) FROM stream_log WHERE stream_key = ? AND seq <= 14", t + "/channel")).isZero();
        assertThat(count("SELECT count(*) FROM stream_log WHERE stream_key = ? AND seq > 14", t + "/channel")).isPositive();
        // the blob store: old blobs gone, the fresh one kept
        for (String key : oldBlobKeys) {
            assertThat(blobs.exists(key)).as(key).isFalse();
        }
        assertThat(blobs.exists(t + "/" + freshUpload)).isTrue();

        // the API: the reply's quote of the expired original is marked deleted; a stale resume gets a reset
        as(bob).get("/api/channel/messages/" + reply).then().statusCode(200)
                .body("replyTo.id", equalTo(old.get(0)))
                .body("replyTo.author", equalTo("user:ada"))
                .body("replyTo.excerpt", nullValue())
                .body("replyTo.deleted", equalTo(true));
        as(bob).get("/api/channel/messages/" + old.get(1)).then().statusCode(404);
        as(bob).get("/internal/streams/channel/events?after=0").then().statusCode(200)
                .body("items[0].type", equalTo("reset"))
                .body("items[0].data.earliest", equalTo(15));

        String management = "http://localhost:" + ConfigProvider.getConfig()
                .getValue("quarkus.management.test-port", Integer.class);
        given().get(management + "/q/metrics").then().statusCode(200)
                .body(containsString("parley_channel_retention_deleted_total{kind=\"message\"}"))
                .body(containsString("parley_channel_retention_duration_seconds_count"))
                .body(containsString("parley_channel_messages_posted_total"))
                .body(containsString("parley_channel_attachments_stored_bytes_total"));
    }
}
