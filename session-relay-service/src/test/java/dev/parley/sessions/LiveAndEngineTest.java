package dev.parley.sessions;

import dev.parley.events.Json;
import dev.parley.events.KafkaHeaders;
import dev.parley.sessions.Api.Person;
import dev.parley.testing.ParleyTestResources;
import dev.parley.testing.TopicTail;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.parley.sessions.Api.person;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/** The live snapshot (stale flag, coalesced live.updated on the ephemeral topic, no log growth) and the engine id. */
@QuarkusTest
class LiveAndEngineTest {

    @Test
    void liveSnapshotsAreCoalescedOntoTheEphemeralTopicAndGoStale() {
        Person a = person("acme", "Ada");
        String id = Api.createSession(a, "live");
        String base = "/api/sessions/" + id;
        a.req().get(base + "/live").then().statusCode(204);
        String key = "acme/session:" + id;
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
                Map.of("bootstrap.servers", ParleyTestResources.kafka().bootstrapServers()),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            String topic = "parley.ephemeral.v1";
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            // the consumer is set up: take the turn only now (the ttl runs from here)
            int token = a.req().body(Map.of("turnId", "t1")).post(base + "/turn").then().statusCode(201)
                    .extract().path("fencingToken");
            a.req().body(Map.of("turnId", "t1", "status", "running", "text", "x")).put(base + "/live").then().statusCode(400);
            a.req().body(Map.of("turnId", "t1", "status", "thinking", "fencingToken", token)).put(base + "/live")
                    .then().statusCode(400).body("code", equalTo("request.invalid"));


            for (int i = 1; i <= 30; i++) {
                if (i % 5 == 0) {
                    a.req().post(base + "/turn/heartbeat").then().statusCode(200);
                }
                a.req().body(Map.of("turnId", "t1", "status", "running", "text", "word ".repeat(i), "thinking", "",
                        "tools", List.of(), "fencingToken", token)).put(base + "/live").then().statusCode(200);
            }
            String last = "word ".repeat(30);
            List<Map<?, ?>> seen = new ArrayList<>();
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (key.equals(r.key())) {
                        assertThat(KafkaHeaders.get(r.headers(), KafkaHeaders.ORIGIN)).isEqualTo(a.ref());
                        assertThat(KafkaHeaders.get(r.headers(), KafkaHeaders.SEQ)).isNull();
                        seen.add(Json.read(r.value(), Map.class));
                    }
                }
                return !seen.isEmpty() && last.equals(((Map<?, ?>) seen.get(seen.size() - 1).get("data")).get("text"));
            });
            // coalesced: fewer publishes than writes, the latest one wins, no seq
            assertThat(seen.size()).isLessThan(30);
            assertThat(seen.get(0).get("type")).isEqualTo("live.updated");
            assertThat(seen.get(0).get("stream")).isEqualTo("session:" + id);
            assertThat(seen.get(0).containsKey("seq")).isFalse();
        }
        // snapshots never grow the stream log: only turn.started is there
        assertThat(Api.types(a, "session:" + id)).containsExactly("turn.started");

        // not updated within live-stale-after (3 s in tests, database clock): stale (fresh right after a write,
        // as the seed flow test checks)
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500)).until(() ->
                a.req().get(base + "/live").then().statusCode(200).extract().<Boolean>path("stale"));
        int token = a.req().get("/internal/streams/session:" + id + "/events?after=0").then().extract()
                .path("items[0].data.fencingToken");
        // too many tools is a limit
        List<Map<String, String>> tools = new ArrayList<>();
        for (int i = 0; i < 201; i++) {
            tools.add(Map.of("id", "t" + i, "name", "grep", "status", "done", "summary", ""));
        }
        a.req().body(Map.of("turnId", "t1", "status", "running", "text", "", "thinking", "", "tools", tools,
                "fencingToken", token)).put(base + "/live").then().statusCode(422).body("code", equalTo("live.too_many_tools"));
    }

    /**
     * A live snapshot counts its text, thinking and tools against the event cap (512 KiB): over it, 422
     * {@code event.too_large} and nothing stored; just under it, the release's {@code turn.ended} that carries the
     * snapshot reaches Kafka (issue 23, item 1: an oversized turn.ended used to wedge the relay).
     */
    @Test
    void aLiveSnapshotOverTheEventCapIsRefusedAndOneUnderItEndsTheTurnOnKafka() {
        Person a = person("acme", "Ada");
        String id = Api.createSession(a, "big-turn");
        String base = "/api/sessions/" + id;
        int token = a.req().body(Map.of("turnId", "t1")).post(base + "/turn").then().statusCode(201)
                .extract().path("fencingToken");
        a.req().body(Map.of("turnId", "t1", "status", "running", "text", "a".repeat(200_000),
                        "thinking", "b".repeat(200_000), "tools", List.of(Map.of("id", "1", "name", "grep",
                                "status", "done", "summary", "c".repeat(130_000))), "fencingToken", token))
                .put(base + "/live").then().statusCode(422).body("code", equalTo("event.too_large"));
        a.req().get(base + "/live").then().statusCode(204);
        a.req().body(Map.of("turnId", "t1", "status", "completed", "text", "a".repeat(250_000),
                "thinking", "b".repeat(250_000), "tools", List.of(), "fencingToken", token))
                .put(base + "/live").then().statusCode(200);
        a.req().delete(base + "/turn").then().statusCode(204);
        try (TopicTail tail = new TopicTail("parley.sessions.events.v1", "acme/session:" + id)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> tail.events().stream()
                    .anyMatch(e -> "turn.ended".equals(e.type())));
            TopicTail.Event ended = tail.events().stream().filter(e -> "turn.ended".equals(e.type())).findFirst()
                    .orElseThrow();
            assertThat(ended.envelope().path("data").path("text").asText()).hasSize(250_000);
        }
    }

    /**
     * A live write is one statement (ADR 0055): membership, tenant, and the fencing rule on the lock row must answer
     * exactly as every other fenced write does, and a refused write must leave the stored snapshot untouched.
     */
    @Test
    void liveWritesAreCheckedForMembershipAndFencedByTheLockRow() {
        Person a = person("acme", "Ada");
        Person b = person("acme", "Bob");
        Person stranger = person("acme", "Cy");
        Person elsewhere = person("umbrella", "Dee");
        String id = Api.createSession(a, "live fencing");
        Api.share(a, id, b);
        String live = "/api/sessions/" + id + "/live";
        // no grant yet: token 0 is not a live grant
        a.req().body(snapshot("t1", "early", 0)).put(live).then().statusCode(409).body("code", equalTo("turn.fenced"))
                .body("fencingToken", equalTo(0));
        int token = a.req().body(Map.of("turnId", "t1")).post("/api/sessions/" + id + "/turn").then().statusCode(201)
                .extract().path("fencingToken");
        a.req().body(snapshot("t1", "mine", token)).put(live).then().statusCode(200)
                .body("text", equalTo("mine")).body("startedBy", equalTo(a.ref())).body("stale", equalTo(false));
        // non-members and other tenants do not see the session at all, whatever the token
        stranger.req().body(snapshot("t1", "x", token)).put(live).then().statusCode(404);
        elsewhere.req().body(snapshot("t1", "x", token)).put(live).then().statusCode(404);
        a.req().body(snapshot("t1", "x", token)).put("/api/sessions/" + java.util.UUID.randomUUID() + "/live")
                .then().statusCode(404);
        // a member with the current token who is not the holder; a token that is not the current grant
        b.req().body(snapshot("t1", "not mine", token)).put(live).then().statusCode(403)
                .body("code", equalTo("turn.not_holder"));
        a.req().body(snapshot("t1", "future", token + 1)).put(live).then().statusCode(409)
                .body("code", equalTo("turn.fenced")).body("fencingToken", equalTo(token));
        a.req().get(live).then().statusCode(200).body("text", equalTo("mine"));

        // released: the holder's own token is fenced from now on; B's next turn writes under its new token
        a.req().delete("/api/sessions/" + id + "/turn").then().statusCode(204);
        a.req().body(snapshot("t1", "after release", token)).put(live).then().statusCode(409)
                .body("code", equalTo("turn.fenced"));
        int next = b.req().body(Map.of("turnId", "t2")).post("/api/sessions/" + id + "/turn").then().statusCode(201)
                .extract().path("fencingToken");
        a.req().body(snapshot("t1", "late", token)).put(live).then().statusCode(409).body("fencingToken", equalTo(next));
        b.req().body(snapshot("t2", "bob's turn", next)).put(live).then().statusCode(200)
                .body("turnId", equalTo("t2")).body("startedBy", equalTo(b.ref()));
        a.req().get(live).then().statusCode(200).body("text", equalTo("bob's turn")).body("startedBy", equalTo(b.ref()));
        // revoked mid-turn: B's turn ends and B no longer sees the session
        a.req().delete("/api/sessions/" + id + "/members/" + b.ref()).then().statusCode(204);
        b.req().body(snapshot("t2", "gone", next)).put(live).then().statusCode(404);
        a.req().get(live).then().statusCode(200).body("text", equalTo("bob's turn"));
    }

    private static Map<String, Object> snapshot(String turnId, String text, int token) {
        return Map.of("turnId", turnId, "status", "running", "text", text, "thinking", "", "tools", List.of(),
                "fencingToken", token);
    }

    @Test
    void engineIdIsSetOnceAndEveryMemberConverges() {
        Person a = person("acme", "Ada");
        Person b = person("acme", "Bob");
        String id = Api.createSession(a, "engine");
        Api.share(a, id, b);
        String base = "/api/sessions/" + id + "/engine";
        a.req().body(Map.of("engineSessionId", "eng-a")).put(base).then().statusCode(200)
                .body("engineSessionId", equalTo("eng-a"));
        b.req().body(Map.of("engineSessionId", "eng-b")).put(base).then().statusCode(409)
                .body("code", equalTo("engine.already_set")).body("engineSessionId", equalTo("eng-a"));
        b.req().body(Map.of("engineSessionId", "eng-a")).put(base).then().statusCode(200);
        b.req().body(Map.of("engineSessionId", "")).put(base).then().statusCode(400);
        b.req().get("/api/sessions/" + id).then().body("engineSessionId", equalTo("eng-a"));
        assertThat(Api.types(a, "session:" + id).stream().filter("engine.set"::equals)).hasSize(1);
    }
}
