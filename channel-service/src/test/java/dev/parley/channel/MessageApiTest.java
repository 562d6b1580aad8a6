package dev.parley.channel;

import dev.parley.testing.TopicTail;
import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.events.Service;
import dev.parley.platform.kafka.ParleyKafka;
import dev.parley.testing.ParleyTestResources;
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
import java.util.UUID;

import static dev.parley.channel.ChannelApi.as;
import static dev.parley.channel.ChannelApi.post;
import static dev.parley.channel.ChannelApi.postText;
import static dev.parley.channel.ChannelApi.tenant;
import static dev.parley.channel.ChannelApi.user;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

/** Messages, replies, edits, deletes and reactions over REST, with their events on Kafka and in the replay API. */
@QuarkusTest
class MessageApiTest {

    @Inject
    ParleyKafka kafka;

    String topic() {
        return kafka.topicNames().events(Service.CHANNEL);
    }

    @Test
    void postReturnsTheWholeMessageAndListShowsIt() {
        String t = tenant();
        String ada = user(t, "ada");
        JsonPath m = post(ada, Map.of("body", "hello team")).statusCode(201)
                .body("seq", equalTo(1))
                .body("author", equalTo("user:ada"))
                .body("authorName", equalTo("Ada"))
                .body("body", equalTo("hello team"))
                .body("replyTo", nullValue())
                .body("attachments", empty())
                .body("reactions", empty())
                .body("createdAt", notNullValue())
                .body("editedAt", nullValue())
                .body("deleted", equalTo(false))
                .extract().jsonPath();
        UUID id = UUID.fromString(m.getString("id"));
        assertThat(id.version()).as("message ids are UUIDv7").isEqualTo(7);

        as(user(t, "bob")).get("/api/channel/messages").then().statusCode(200)
                .body("items.id", contains(id.toString()))
                .body("items[0].body", equalTo("hello team"))
                .body("nextBefore", nullValue());
        as(ada).get("/api/channel/messages/" + id).then().statusCode(200).body("seq", equalTo(1));
    }

    @Test
    void bodyLengthIsCountedInCodePoints() {
        String ada = user(tenant(), "ada");
        post(ada, Map.of("body", "a".repeat(20_000))).statusCode(201);
        post(ada, Map.of("body", "😀".repeat(20_000))).statusCode(201); // 40,000 UTF-16 units, 20,000 code points
        post(ada, Map.of("body", "a".repeat(20_001))).statusCode(422).body("code", equalTo("message.too_long"));
        post(ada, Map.of("body", "😀".repeat(20_001))).statusCode(422).body("code", equalTo("message.too_long"));
        post(ada, Map.of("body", "")).statusCode(422).body("code", equalTo("message.empty"));
        post(ada, Map.of("body", "  \n ")).statusCode(422).body("code", equalTo("message.empty"));
        post(ada, Map.of("replyTo", UUID.randomUUID().toString())).statusCode(400).body("code", equalTo("request.invalid"));
        post(ada, Map.of("body", 42, "attachments", "x")).statusCode(400).body("code", equalTo("request.invalid"));
        as(ada).contentType(ContentType.JSON).body("{\"body\": \"unterminated").post("/api/channel/messages")
                .then().statusCode(400).body("code", equalTo("request.malformed_json"));
        as(ada).contentType(ContentType.JSON).post("/api/channel/messages")
                .then().statusCode(400);
        post(ada, Map.of("body", "x", "replyTo", "not-a-uuid")).statusCode(400).body("code", equalTo("request.invalid"));
        post(ada, Map.of("body", "x", "replyTo", UUID.randomUUID().toString()))
                .statusCode(400).body("code", equalTo("request.invalid"));
        // nothing of the refused posts was written: two messages only
        as(ada).get("/api/channel/messages").then().body("items", hasSize(2));
    }

    @Test
    void aFifthAttachmentIsRefused() {
        String ada = user(tenant(), "ada");
        List<String> five = List.of(UUID.randomUUID().toString(), UUID.randomUUID().toString(),
                UUID.randomUUID().toString(), UUID.randomUUID().toString(), UUID.randomUUID().toString());
        post(ada, Map.of("body", "five", "attachments", five)).statusCode(422).body("code", equalTo("attachment.invalid"));
    }

    @Test
    void withoutAValidTokenEverythingIs401AndAppsAreRefused() {
        given().get("/api/channel/messages").then().statusCode(401).body("code", equalTo("auth.unauthorized"));
        given().contentType(ContentType.JSON).body(Map.of("body", "x")).post("/api/channel/messages")
                .then().statusCode(401).body("code", equalTo("auth.unauthorized"));
        given().auth().oauth2(ParleyTestResources.issuer().expired("acme", "ada")).get("/api/channel/messages")
                .then().statusCode(401);
        String app = ParleyTestResources.issuer().app("acme", "marketing");
        post(app, Map.of("body", "from an app")).statusCode(403).body("code", equalTo("auth.forbidden"));
        as(app).get("/internal/streams/channel").then().statusCode(404).body("code", equalTo("request.not_found"));
        as(user("acme", "ada")).get("/internal/streams/channel").then().statusCode(200)
                .body("stream", equalTo("channel"));
    }

    @Test
    void onlyTheAuthorEditsOrDeletesAndOtherTenantsSeeNothing() {
        String t = tenant();
        String ada = user(t, "ada");
        String bob = user(t, "bob");
        String eve = user(tenant(), "eve");
        String id = postText(ada, "first draft");

        as(bob).contentType(ContentType.JSON).body(Map.of("body", "hijack")).patch("/api/channel/messages/" + id)
                .then().statusCode(403).body("code", equalTo("message.not_author"));
        as(bob).delete("/api/channel/messages/" + id).then().statusCode(403).body("code", equalTo("message.not_author"));

        as(eve).get("/api/channel/messages/" + id).then().statusCode(404).body("code", equalTo("request.not_found"));
        as(eve).contentType(ContentType.JSON).body(Map.of("body", "x")).patch("/api/channel/messages/" + id)
                .then().statusCode(404).body("code", equalTo("request.not_found"));
        as(eve).delete("/api/channel/messages/" + id).then().statusCode(404).body("code", equalTo("request.not_found"));
        as(eve).put("/api/channel/messages/" + id + "/reactions/👍").then().statusCode(404)
                .body("code", equalTo("request.not_found"));
        as(eve).get("/api/channel/messages").then().statusCode(200).body("items", empty());
        post(eve, Map.of("body", "quoting across tenants", "replyTo", id)).statusCode(400);

        as(ada).contentType(ContentType.JSON).body(Map.of("body", "final text")).patch("/api/channel/messages/" + id)
                .then().statusCode(200).body("body", equalTo("final text")).body("editedAt", notNullValue())
                .body("seq", equalTo(1));
        as(ada).contentType(ContentType.JSON).body(Map.of("body", "a".repeat(20_001)))
                .patch("/api/channel/messages/" + id).then().statusCode(422).body("code", equalTo("message.too_long"));
        as(bob).get("/api/channel/messages").then().body("items[0].body", equalTo("final text"));
        as(ada).get("/api/channel/messages/" + UUID.randomUUID()).then().statusCode(404);
        as(ada).get("/api/channel/messages/nope").then().statusCode(404);
    }

    @Test
    void reactionsAreIdempotentAggregatedAndValidated() {
        String t = tenant();
        String ada = user(t, "ada");
        String bob = user(t, "bob");
        String id = postText(ada, "react to me");
        String path = "/api/channel/messages/" + id + "/reactions/";

        as(ada).put(path + "👍").then().statusCode(200)
                .body("reactions", hasSize(1))
                .body("reactions[0].emoji", equalTo("👍"))
                .body("reactions[0].count", equalTo(1))
                .body("reactions[0].by", contains("user:ada"));
        as(ada).put(path + "👍").then().statusCode(200).body("reactions[0].count", equalTo(1));
        as(bob).put(path + "👍").then().statusCode(200).body("reactions[0].count", equalTo(2))
                .body("reactions[0].by", contains("user:ada", "user:bob"));
        as(bob).put(path + ":party_parrot:").then().statusCode(200).body("reactions[1].emoji", equalTo(":party_parrot:"));
        as(bob).put(path + "👩‍💻").then().statusCode(200).body("reactions", hasSize(3));
        as(bob).put(path + "🇩🇪").then().statusCode(200).body("reactions", hasSize(4));

        for (String bad : List.of("abc", "👍👍", "1", ":Upper:", ":" + "a".repeat(33) + ":", "x👍")) {
            as(bob).put(path + bad).then().statusCode(400).body("code", equalTo("request.invalid"));
        }
        as(ada).delete(path + "👍").then().statusCode(200).body("reactions[0].count", equalTo(1))
                .body("reactions[0].by", contains("user:bob"));
        as(ada).delete(path + "👍").then().statusCode(200).body("reactions[0].count", equalTo(1));
        as(ada).get("/api/channel/messages").then().body("items[0].reactions.emoji",
                contains("👍", ":party_parrot:", "👩‍💻", "🇩🇪"));

        // events: created, then exactly one per real change (the repeats emitted nothing)
        try (TopicTail tail = new TopicTail(topic(), t + "/channel")) {
            await().atMost(Duration.ofSeconds(20)).until(() -> tail.events().size() >= 7);
            List<TopicTail.Event> events = tail.events();
            assertThat(events).extracting(TopicTail.Event::type).containsExactly("message.created",
                    "reaction.added", "reaction.added", "reaction.added", "reaction.added", "reaction.added",
                    "reaction.removed");
            assertThat(events).extracting(TopicTail.Event::seq).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
            JsonNode removed = events.get(6).envelope().get("data");
            assertThat(removed.get("id").asText()).isEqualTo(id);
            assertThat(removed.get("reactions").get(0).get("by").get(0).asText()).isEqualTo("user:bob");
        }
    }

    @Test
    void everyWriteIsOneEventInSeqOrderOnKafkaAndInTheReplay() {
        String t = tenant();
        String ada = user(t, "ada");
        String id = postText(ada, "one");
        as(ada).contentType(ContentType.JSON).body(Map.of("body", "two")).patch("/api/channel/messages/" + id)
                .then().statusCode(200);
        as(ada).put("/api/channel/messages/" + id + "/reactions/:tada:").then().statusCode(200);
        as(ada).delete("/api/channel/messages/" + id + "/reactions/:tada:").then().statusCode(200);
        String second = postText(ada, "three");
        as(ada).delete("/api/channel/messages/" + second).then().statusCode(204);
        as(ada).delete("/api/channel/messages/" + second).then().statusCode(204); // a no-op: no event

        List<String> expected = List.of("message.created", "message.edited", "reaction.added", "reaction.removed",
                "message.created", "message.deleted");
        try (TopicTail tail = new TopicTail(topic(), t + "/channel")) {
            await().atMost(Duration.ofSeconds(20)).until(() -> tail.events().size() >= expected.size());
            assertThat(tail.events()).extracting(TopicTail.Event::type).containsExactlyElementsOf(expected);
            assertThat(tail.events()).extracting(TopicTail.Event::seq).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
            assertThat(tail.events()).extracting(TopicTail.Event::origin).containsOnly("user:ada");
            assertThat(tail.events().get(4).envelope().get("data").get("seq").asLong()).isEqualTo(5);
            assertThat(tail.events().get(0).envelope().get("stream").asText()).isEqualTo("channel");
        }
        as(ada).get("/internal/streams/channel/events?after=0").then().statusCode(200)
                .body("items.type", equalTo(expected))
                .body("items.seq", contains(1, 2, 3, 4, 5, 6))
                .body("head", equalTo(6));
    }

    @Test
    void deletionPurgesEverythingAndRepliesKeepADeletedQuote() {
        String t = tenant();
        String ada = user(t, "ada");
        String bob = user(t, "bob");
        String secret = "the launch code is swordfish " + "x".repeat(200);
        String original = postText(ada, secret);
        JsonPath reply = post(bob, Map.of("body", "replying", "replyTo", original)).statusCode(201)
                .body("replyTo.id", equalTo(original))
                .body("replyTo.author", equalTo("user:ada"))
                .body("replyTo.deleted", equalTo(false))
                .extract().jsonPath();
        assertThat(reply.getString("replyTo.excerpt")).isEqualTo(secret.substring(0, 140));
        as(bob).put("/api/channel/messages/" + original + "/reactions/👍").then().statusCode(200);
        as(ada).contentType(ContentType.JSON).body(Map.of("body", secret + " (edited swordfish)"))
                .patch("/api/channel/messages/" + original).then().statusCode(200);

        as(bob).delete("/api/channel/messages/" + original).then().statusCode(403);
        as(ada).delete("/api/channel/messages/" + original).then().statusCode(204);

        String list = as(bob).get("/api/channel/messages").then().statusCode(200)
                .body("items", hasSize(2))
                .body("items[0].id", equalTo(original))
                .body("items[0].deleted", equalTo(true))
                .body("items[0].body", equalTo(""))
                .body("items[0].reactions", empty())
                .body("items[0].attachments", empty())
                .body("items[1].replyTo.id", equalTo(original))
                .body("items[1].replyTo.author", equalTo("user:ada"))
                .body("items[1].replyTo.excerpt", nullValue())
                .body("items[1].replyTo.deleted", equalTo(true))
                .extract().asString();
        assertThat(list).doesNotContain("swordfish");
        as(ada).get("/api/channel/messages/" + original).then().statusCode(404);
        as(bob).put("/api/channel/messages/" + original + "/reactions/👍").then().statusCode(404);
        as(ada).contentType(ContentType.JSON).body(Map.of("body", "revive")).patch("/api/channel/messages/" + original)
                .then().statusCode(404);

        String replay = as(bob).get("/internal/streams/channel/events?after=0").then().statusCode(200)
                .body("items.type", contains("message.created", "message.created", "reaction.added",
                        "message.edited", "message.deleted"))
                .extract().asString();
        assertThat(replay).doesNotContain("swordfish");
        JsonPath replayJson = JsonPath.from(replay);
        assertThat(replayJson.getBoolean("items[0].data.deleted")).isTrue();
        assertThat(replayJson.getBoolean("items[1].data.replyTo.deleted")).isTrue();
        assertThat(replayJson.getString("items[4].data.id")).isEqualTo(original);

        try (TopicTail tail = new TopicTail(topic(), t + "/channel")) {
            await().atMost(Duration.ofSeconds(20)).until(() -> tail.events().size() >= 5);
            TopicTail.Event deleted = tail.events().get(4);
            assertThat(deleted.type()).isEqualTo("message.deleted");
            assertThat(deleted.raw()).doesNotContain("swordfish");
            assertThat(deleted.envelope().get("data").get("deleted").asBoolean()).isTrue();
            assertThat(deleted.envelope().get("data").get("body").asText()).isEmpty();
        }
    }

    @Test
    void anIdempotentPostCreatesOnce() {
        String t = tenant();
        String ada = user(t, "ada");
        String first = as(ada).header("Idempotency-Key", "k-1").contentType(ContentType.JSON)
                .body(Map.of("body", "once")).post("/api/channel/messages").then().statusCode(201)
                .extract().path("id");
        String again = as(ada).header("Idempotency-Key", "k-1").contentType(ContentType.JSON)
                .body(Map.of("body", "once")).post("/api/channel/messages").then().statusCode(201)
                .extract().path("id");
        assertThat(again).isEqualTo(first);
        as(ada).header("Idempotency-Key", "k-1").contentType(ContentType.JSON)
                .body(Map.of("body", "another body")).post("/api/channel/messages").then().statusCode(422)
                .body("code", equalTo("idempotency.key_reused"));
        as(ada).get("/api/channel/messages").then().body("items", hasSize(1));
        as(ada).get("/internal/streams/channel/events?after=0").then().body("items", hasSize(1));
    }

    @Test
    void pagingBackAndForwardReturnsEveryMessageOnceInOrder() {
        String t = tenant();
        String ada = user(t, "ada");
        int total = 120;
        List<String> posted = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            posted.add(postText(ada, "m" + i));
        }
        // back-scroll from the newest
        List<String> back = new ArrayList<>();
        Long before = null;
        do {
            JsonPath page = as(ada).queryParams(before == null ? Map.of("limit", "50")
                            : Map.of("limit", "50", "before", before.toString()))
                    .get("/api/channel/messages").then().statusCode(200).extract().jsonPath();
            List<String> ids = page.getList("items.id");
            back.addAll(0, ids);
            before = page.get("nextBefore") == null ? null : page.getLong("nextBefore");
        } while (before != null);
        assertThat(back).containsExactlyElementsOf(posted);

        // forward from the start, with a limit over the cap
        List<String> forward = new ArrayList<>();
        long after = 0;
        while (true) {
            JsonPath page = as(ada).queryParams(Map.of("limit", "1000", "after", Long.toString(after)))
                    .get("/api/channel/messages").then().statusCode(200).extract().jsonPath();
            List<String> ids = page.getList("items.id");
            assertThat(ids.size()).isLessThanOrEqualTo(100);
            if (ids.isEmpty()) {
                break;
            }
            forward.addAll(ids);
            after = page.getLong("nextAfter");
        }
        assertThat(forward).containsExactlyElementsOf(posted);
        as(ada).queryParam("limit", "abc").get("/api/channel/messages").then().statusCode(400)
                .body("code", equalTo("request.invalid"));
    }

    @Test
    void typingIsAnEphemeralEventWithTheTypistAsOrigin() {
        String t = tenant();
        String ada = user(t, "ada");
        as(ada).post("/api/channel/typing").then().statusCode(204);
        try (TopicTail tail = new TopicTail(kafka.topicNames().ephemeral(), t + "/channel")) {
            await().atMost(Duration.ofSeconds(20)).until(() -> !tail.events().isEmpty());
            TopicTail.Event typing = tail.events().get(0);
            assertThat(typing.type()).isEqualTo("typing");
            assertThat(typing.origin()).isEqualTo("user:ada");
            assertThat(typing.envelope().get("stream").asText()).isEqualTo("channel");
            assertThat(typing.envelope().has("seq")).isFalse();
            Map<String, String> data = new HashMap<>();
            typing.envelope().get("data").fields().forEachRemaining(e -> data.put(e.getKey(), e.getValue().asText()));
            assertThat(data).isEqualTo(Map.of("ref", "user:ada", "name", "Ada"));
        }
        // typing is not durable: nothing in the log
        as(ada).get("/internal/streams/channel/events?after=0").then().body("items", empty());
    }
}
