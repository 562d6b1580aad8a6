package dev.parley.sessions;

import dev.parley.events.Envelope;
import dev.parley.events.EventTypes;
import dev.parley.events.Json;
import dev.parley.events.KafkaHeaders;
import dev.parley.events.payload.RosterEntry;
import dev.parley.events.payload.RoomMessage;
import dev.parley.sessions.Api.Person;
import dev.parley.testing.ParleyTestResources;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.parley.sessions.Api.person;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

/** The me stream: mentions from rooms-service's events (once per room and seq) and sync pairing on both sides. */
@QuarkusTest
class MeStreamTest {

    KafkaProducer<String, byte[]> producer;

    @BeforeEach
    void producer() {
        producer = new KafkaProducer<>(Map.of("bootstrap.servers", ParleyTestResources.kafka().bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer());
    }

    @AfterEach
    void close() {
        producer.close();
    }

    private void send(String topic, String key, String type, Long seq, Object value) throws Exception {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, value == null ? null : Json.bytes(value));
        KafkaHeaders.put(record.headers(), KafkaHeaders.TYPE, type);
        KafkaHeaders.put(record.headers(), KafkaHeaders.SEQ, seq == null ? null : seq.toString());
        producer.send(record).get();
    }

    @Test
    void aRoomMessageRoutedToAHumanBecomesOneMentionEvenWhenRedelivered() throws Exception {
        Person b = person("acme", "Bob");
        Person c = person("acme", "Cy");
        UUID room = UUID.randomUUID();
        RoomMessage message = new RoomMessage(UUID.randomUUID().toString(), 7, room.toString(), "marketing:cmo", "CMO",
                "@" + b.ref() + " @" + c.ref() + " @marketing:cfo look", "<p>look</p>",
                List.of(b.ref(), c.ref(), "marketing:cfo"), List.of(b.ref(), c.ref(), "marketing:cfo"), null,
                Instant.parse("2026-11-21T10:00:00Z"));
        Envelope envelope = Envelope.durable("room:" + room, 7, EventTypes.MESSAGE_CREATED,
                Instant.parse("2026-11-21T10:00:00Z"), message);
        String key = "acme/room:" + room;
        send("parley.rooms.events.v1", key, EventTypes.MESSAGE_CREATED, 7L, envelope);
        send("parley.rooms.events.v1", key, EventTypes.MESSAGE_CREATED, 7L, envelope);   // redelivery
        // another room event type and an inbox event are not mentions
        send("parley.rooms.events.v1", key, EventTypes.MEMBER_ADDED, 8L,
                Envelope.durable("room:" + room, 8, EventTypes.MEMBER_ADDED, Instant.now(), Map.of("ref", b.ref())));

        await().atMost(Duration.ofSeconds(30)).until(() -> Api.types(b, "me").contains("mention")
                && Api.types(c, "me").contains("mention"));
        // the duplicate, if it were appended, would have landed right after: give the consumer a later marker
        UUID room2 = UUID.randomUUID();
        RoomMessage marker = new RoomMessage(UUID.randomUUID().toString(), 1, room2.toString(), "user:x", "X", "m", "m",
                List.of(b.ref()), List.of(b.ref()), null, Instant.now());
        send("parley.rooms.events.v1", "acme/room:" + room2, EventTypes.MESSAGE_CREATED, 1L,
                Envelope.durable("room:" + room2, 1, EventTypes.MESSAGE_CREATED, Instant.now(), marker));
        await().atMost(Duration.ofSeconds(30)).until(() -> Api.types(b, "me").size() == 2);

        List<Map<String, Object>> me = Api.events(b, "me");
        assertThat(me.stream().map(e -> e.get("type")).toList()).containsExactly("mention", "mention");
        Map<?, ?> data = (Map<?, ?>) me.get(0).get("data");
        assertThat(data.get("roomId")).isEqualTo(room.toString());
        assertThat(((Map<?, ?>) data.get("message")).get("seq")).isEqualTo(7);
        assertThat(((Map<?, ?>) data.get("message")).get("sender")).isEqualTo("marketing:cmo");
        assertThat(Api.types(c, "me")).containsExactly("mention");
    }

    private void online(Person p, String status) throws Exception {
        RosterEntry entry = new RosterEntry(p.ref(), p.name(), status, Instant.now());
        send("parley.presence.changes.v1", p.tenant() + "/" + p.ref(), EventTypes.PRESENCE_CHANGED, null,
                Envelope.ephemeral("presence", EventTypes.PRESENCE_CHANGED, Instant.now(), entry));
    }

    @Test
    void syncPairingBothSides() throws Exception {
        Person a = person("acme", "Ada");
        Person b = person("acme", "Bob");
        Person c = person("acme", "Cy");
        Person d = person("acme", "Dee");
        a.req().get("/api/sync").then().statusCode(404);
        // B is not online (idle counts as not online)
        online(b, "idle");
        a.req().body(Map.of("partner", b.ref())).post("/api/sync").then().statusCode(409)
                .body("code", equalTo("sync.partner_offline"));
        online(b, "online");
        online(d, "online");
        await().atMost(Duration.ofSeconds(20)).until(() ->
                a.req().body(Map.of("partner", b.ref())).post("/api/sync").statusCode() == 201);
        a.req().body(Map.of("partner", b.ref())).post("/api/sync").then().statusCode(200).body("partner", equalTo(b.ref()));
        a.req().body(Map.of("partner", a.ref())).post("/api/sync").then().statusCode(400);
        // one pairing at a time, for either side
        a.req().body(Map.of("partner", d.ref())).post("/api/sync").then().statusCode(409)
                .body("code", equalTo("sync.already_paired"));
        online(c, "online");
        await().atMost(Duration.ofSeconds(20)).until(() ->
                c.req().body(Map.of("partner", b.ref())).post("/api/sync").statusCode() == 409);
        c.req().body(Map.of("partner", b.ref())).post("/api/sync").then().body("code", equalTo("sync.already_paired"));

        b.req().get("/api/sync").then().statusCode(200).body("partner", equalTo(a.ref())).body("tabs", hasSize(0));
        String session = UUID.randomUUID().toString();
        b.req().body(Map.of("tabs", List.of(Map.of("id", "tab-1", "title", "Billing", "sessionId", session),
                Map.of("id", "tab-2", "title", "Notes", "sessionId", session)), "activeTabId", "tab-2"))
                .put("/api/sync/tabs").then().statusCode(200).body("partner", equalTo(a.ref()))
                .body("activeTabId", equalTo("tab-2"));
        a.req().body(Map.of("split", true, "panels", List.of("chat", "files"))).put("/api/sync/screen")
                .then().statusCode(200).body("screen.split", equalTo(true));
        a.req().body(Map.of("tabs", List.of(Map.of("id", "x")), "activeTabId", "nope")).put("/api/sync/tabs")
                .then().statusCode(400);
        // stored server-side: a reload on either side reads the same
        a.req().get("/api/sync").then().statusCode(200).body("partner", equalTo(b.ref())).body("tabs", hasSize(2))
                .body("tabs[1].title", equalTo("Notes")).body("activeTabId", equalTo("tab-2"))
                .body("screen.panels[1]", equalTo("files"));

        // B stops: both sides stop
        b.req().delete("/api/sync").then().statusCode(204);
        a.req().get("/api/sync").then().statusCode(404);
        b.req().get("/api/sync").then().statusCode(404);
        a.req().body(Map.of("tabs", List.of())).put("/api/sync/tabs").then().statusCode(404);

        for (Person side : List.of(a, b)) {
            List<Map<String, Object>> me = Api.events(side, "me");
            assertThat(me.stream().map(e -> e.get("type")).toList())
                    .containsExactly("sync.started", "sync.tabs", "sync.screen", "sync.stopped");
            Person other = side == a ? b : a;
            assertThat(((Map<?, ?>) me.get(0).get("data")).get("partner")).isEqualTo(other.ref());
            assertThat(((Map<?, ?>) me.get(3).get("data")).get("partner")).isEqualTo(other.ref());
            assertThat(((Map<?, ?>) me.get(3).get("data")).get("by")).isEqualTo(b.ref());
        }
        // after stopping, A may pair with D
        a.req().body(Map.of("partner", d.ref())).post("/api/sync").then().statusCode(201);
        d.req().delete("/api/sync").then().statusCode(204);
    }
}
