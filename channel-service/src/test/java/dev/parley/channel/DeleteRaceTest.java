package dev.parley.channel;

import dev.parley.events.Service;
import dev.parley.platform.kafka.ParleyKafka;
import dev.parley.testing.TopicTail;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static dev.parley.channel.ChannelApi.as;
import static dev.parley.channel.ChannelApi.post;
import static dev.parley.channel.ChannelApi.postText;
import static dev.parley.channel.ChannelApi.tenant;
import static dev.parley.channel.ChannelApi.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 23 item 13: an edit, a reaction or a reply racing a delete never brings the deleted text back. For each of
 * many messages, a PATCH, a PUT reaction, a quoting reply and the DELETE start together; afterwards no REST answer,
 * no replayed event and no event published after the message's {@code message.deleted} carries its text.
 */
@QuarkusTest
class DeleteRaceTest {

    private static final int MESSAGES = 12;

    @Inject
    ParleyKafka kafka;

    @Test
    void anEditReactionOrReplyRacingADeleteNeverBringsTheTextBack() throws Exception {
        String t = tenant();
        String ada = user(t, "ada");
        String bob = user(t, "bob");
        List<String> ids = new ArrayList<>();
        Map<String, String> secretOf = new HashMap<>();
        for (int i = 0; i < MESSAGES; i++) {
            String secret = "secret" + i + "x" + t;
            String id = postText(ada, secret + " original");
            ids.add(id);
            secretOf.put(id, secret);
        }

        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> statuses = new ArrayList<>();
            for (String id : ids) {
                String secret = secretOf.get(id);
                CountDownLatch go = new CountDownLatch(1);
                List<Callable<Integer>> racers = List.of(
                        () -> as(ada).contentType(ContentType.JSON).body(Map.of("body", secret + " edited"))
                                .patch("/api/channel/messages/" + id).statusCode(),
                        () -> as(bob).put("/api/channel/messages/" + id + "/reactions/👍").statusCode(),
                        () -> post(bob, Map.of("body", "re", "replyTo", id)).extract().statusCode(),
                        () -> as(ada).delete("/api/channel/messages/" + id).statusCode());
                for (Callable<Integer> racer : racers) {
                    statuses.add(pool.submit(() -> {
                        go.await();
                        return racer.call();
                    }));
                }
                go.countDown();
            }
            for (int i = 0; i < statuses.size(); i++) {
                int status = statuses.get(i).get(60, TimeUnit.SECONDS);
                switch (i % 4) {
                    case 0, 1 -> assertThat(status).as("edit / reaction").isIn(200, 404);
                    case 2 -> assertThat(status).as("reply").isIn(201, 400);
                    default -> assertThat(status).as("delete").isEqualTo(204);
                }
            }
        } finally {
            pool.shutdownNow();
        }

        // REST: every message is a tombstone; no list, get or quote carries a secret
        String list = as(bob).queryParam("limit", "100").get("/api/channel/messages").then().statusCode(200)
                .extract().asString();
        JsonPath page = JsonPath.from(list);
        for (String id : ids) {
            assertThat(page.getBoolean("items.find { it.id == '" + id + "' }.deleted")).isTrue();
            as(bob).get("/api/channel/messages/" + id).then().statusCode(404);
        }
        for (String secret : secretOf.values()) {
            assertThat(list).doesNotContain(secret);
        }

        // replay: no event, before or after the delete, carries a secret
        String replay = as(bob).queryParam("after", "0").get("/internal/streams/channel/events").then().statusCode(200)
                .extract().asString();
        for (String secret : secretOf.values()) {
            assertThat(replay).doesNotContain(secret);
        }

        // Kafka: nothing published after a message's message.deleted carries its text
        long head = JsonPath.from(replay).getLong("head");
        try (TopicTail tail = new TopicTail(kafka.topicNames().events(Service.CHANNEL), t + "/channel")) {
            await().atMost(Duration.ofSeconds(30)).until(() -> tail.events().size() >= head);
            Map<String, Long> deletedAt = new HashMap<>();
            for (TopicTail.Event e : tail.events()) {
                String id = e.envelope().get("data").get("id").asText();
                if ("message.deleted".equals(e.type())) {
                    deletedAt.put(id, e.seq());
                }
            }
            assertThat(deletedAt.keySet()).containsExactlyInAnyOrderElementsOf(ids);
            for (TopicTail.Event e : tail.events()) {
                for (String id : ids) {
                    if (e.seq() > deletedAt.get(id)) {
                        assertThat(e.raw()).as("event %d after the delete of %s", e.seq(), id)
                                .doesNotContain(secretOf.get(id));
                    }
                }
            }
        }
    }
}
