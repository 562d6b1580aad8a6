package dev.parley.rooms;

import dev.parley.events.KafkaHeaders;
import dev.parley.events.Envelope;
import dev.parley.events.Json;
import dev.parley.events.payload.RoomMessage;
import dev.parley.rooms.domain.UuidV7;
import dev.parley.rooms.domain.SafeMarkdownTest;
import dev.parley.testing.ParleyTestResources;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.stream.LongStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static dev.parley.rooms.Api.app;
import static dev.parley.rooms.Api.as;
import static dev.parley.rooms.Api.data;
import static dev.parley.rooms.Api.events;
import static dev.parley.rooms.Api.post;
import static dev.parley.rooms.Api.postAs;
import static dev.parley.rooms.Api.room;
import static dev.parley.rooms.Api.tenant;
import static dev.parley.rooms.Api.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/** Room messages: the seed scenario end to end, routing, limits, access, safe HTML and paging. */
@QuarkusTest
class MessagesApiTest {

    static final String TOPIC = "parley.rooms.events.v1";

    @Test
    void theSeedScenario() {
        String t = tenant();
        String anita = user(t, "anita");
        String marketing = app(t, "marketing");
        String id = room(anita, "x-follower-push",
                List.of("marketing:cmo", "marketing:content_drafter", "marketing:engagement"));

        // 1. a mention routes to exactly one agent
        JsonPath mention = post(anita, id, "@marketing:engagement bring extra quality replies today")
                .then().statusCode(201).extract().jsonPath();
        assertThat(mention.getString("sender")).isEqualTo("user:anita");
        assertThat(mention.getString("senderName")).isEqualTo("Anita");
        assertThat(mention.getString("roomId")).isEqualTo(id);
        assertThat(mention.getList("mentions")).containsExactly("marketing:engagement");
        assertThat(mention.getList("routes")).containsExactly("marketing:engagement");
        assertThat(mention.getString("html")).isEqualTo("<p>&#64;marketing:engagement bring extra quality replies today</p>\n");
        assertThat(mention.getLong("seq")).isEqualTo(5); // after four member.added

        List<Map<String, Object>> inbox = events(marketing, "inbox");
        assertThat(inbox).hasSize(1);
        assertThat(inbox.get(0)).containsEntry("type", "room.message").containsEntry("stream", "inbox");
        assertThat(data(inbox.get(0))).containsEntry("target", "marketing:engagement").containsEntry("roomId", id)
                .containsEntry("mentioned", true);
        assertThat(((Map<?, ?>) data(inbox.get(0)).get("message")).get("id")).isEqualTo(mention.getString("id"));

        // 2. no mention: every agent member gets it as context
        String broadcast = post(anita, id, "Morning all — Tier-1 accounts today.").then().statusCode(201)
                .extract().path("id");
        inbox = events(marketing, "inbox");
        assertThat(inbox).hasSize(4);
        assertThat(inbox.subList(1, 4)).extracting(e -> data(e).get("target") + " " + data(e).get("mentioned"))
                .containsExactly("marketing:cmo false", "marketing:content_drafter false",
                        "marketing:engagement false");
        assertThat(inbox.subList(1, 4)).extracting(e -> (Object) ((Map<?, ?>) data(e).get("message")).get("id"))
                .containsOnly(broadcast);
        assertThat(inbox).extracting(e -> ((Number) e.get("seq")).longValue()).containsExactly(1L, 2L, 3L, 4L);

        // 3. the agent answers with the app token, as marketing:cmo
        JsonPath reply = postAs(marketing, id, "cmo", "@user:anita on it. @marketing:content_drafter builder-story angle")
                .then().statusCode(201).extract().jsonPath();
        assertThat(reply.getString("sender")).isEqualTo("marketing:cmo");
        assertThat(reply.getList("routes")).containsExactly("user:anita", "marketing:content_drafter");
        inbox = events(marketing, "inbox");
        assertThat(inbox).hasSize(5);
        assertThat(data(inbox.get(4))).containsEntry("target", "marketing:content_drafter").containsEntry("mentioned", true);

        // the room's stream: 4 member.added, then one message.created per post, each carrying routes
        List<Map<String, Object>> log = events(anita, "room:" + id);
        assertThat(log).extracting(e -> e.get("type")).containsExactly("member.added", "member.added",
                "member.added", "member.added", "message.created", "message.created", "message.created");
        assertThat(data(log.get(6))).containsEntry("routes", List.of("user:anita", "marketing:content_drafter"))
                .containsEntry("sender", "marketing:cmo").containsEntry("seq", 7);

        // and Kafka carries the same events, with routes, for session-relay-service
        String key = t + "/room:" + id;
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            List<Map<String, Object>> seen = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(300))) {
                    if (r.key().equals(key) && "message.created".equals(KafkaHeaders.get(r.headers(), KafkaHeaders.TYPE))) {
                        seen.add(Json.read(r.value(), Map.class));
                    }
                }
                return seen.size() >= 3;
            });
            assertThat(seen).extracting(e -> data(e).get("routes")).containsExactly(
                    List.of("marketing:engagement"), List.of(), List.of("user:anita", "marketing:content_drafter"));
        }
    }

    static KafkaConsumer<String, byte[]> consumer() {
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
                Map.of("bootstrap.servers", ParleyTestResources.kafka().bootstrapServers()),
                new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(TOPIC, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(TOPIC, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }

    @Test
    void appTokensNameTheAgentTheyPostAs() {
        String t = tenant();
        String ada = user(t, "ada");
        String id = room(ada, "ops", List.of("marketing:cmo"));
        String marketing = app(t, "marketing");
        as(marketing).body(Map.of("content", "hi")).post("/api/agent-rooms/" + id + "/messages").then()
                .statusCode(400).body("code", equalTo("message.from_agent_required"));
        postAs(marketing, id, "Not A Slug", "hi").then().statusCode(400).body("code", equalTo("request.invalid"));
        // another agent of the app is a member: the room is visible to the app → 403
        postAs(marketing, id, "engagement", "hi").then().statusCode(403).body("code", equalTo("room.agent_not_member"));
        // no agent of the app is a member → 404
        postAs(app(t, "sales"), id, "ae", "hi").then().statusCode(404);
        postAs(app(tenant(), "marketing"), id, "cmo", "hi").then().statusCode(404);
        // a person posts as themselves only
        as(ada).body(Map.of("content", "hi", "fromAgent", "cmo")).post("/api/agent-rooms/" + id + "/messages")
                .then().statusCode(400).body("code", equalTo("request.invalid"));
        postAs(marketing, id, "cmo", "hello").then().statusCode(201).body("sender", equalTo("marketing:cmo"));
        // the agent's own message is not delivered back to it
        assertThat(events(marketing, "inbox")).isEmpty();
    }

    @Test
    void nonMembersAndOtherTenantsCannotReadPostOrSubscribe() {
        String t = tenant();
        String ada = user(t, "ada");
        String id = room(ada, "private", List.of("marketing:cmo"));
        post(ada, id, "secret").then().statusCode(201);
        Map<String, Map<String, Object>> outsiders = Map.of(
                user(t, "mallory"), Map.of("content", "let me in"),
                app(t, "sales"), Map.of("content", "let me in", "fromAgent", "ae"),
                user(tenant(), "ada"), Map.of("content", "let me in"),
                app(tenant(), "marketing"), Map.of("content", "let me in", "fromAgent", "cmo"));
        for (var entry : outsiders.entrySet()) {
            String outsider = entry.getKey();
            as(outsider).get("/api/agent-rooms/" + id).then().statusCode(404).body("code", equalTo("request.not_found"));
            as(outsider).get("/api/agent-rooms/" + id + "/messages").then().statusCode(404);
            as(outsider).body(entry.getValue()).post("/api/agent-rooms/" + id + "/messages").then().statusCode(404);
            as(outsider).get("/internal/streams/room:" + id).then().statusCode(404);
            as(outsider).get("/internal/streams/room:" + id + "/events?after=0").then().statusCode(404);
        }
        // the member app reads and subscribes; a human has no inbox
        as(app(t, "marketing")).get("/api/agent-rooms/" + id + "/messages").then().statusCode(200);
        as(app(t, "marketing")).get("/internal/streams/room:" + id).then().statusCode(200).body("head", equalTo(3));
        as(ada).get("/internal/streams/inbox").then().statusCode(404);
        as(app(t, "marketing")).get("/internal/streams/inbox").then().statusCode(200);
    }

    @Test
    void contentAndMetadataLimits() {
        String t = tenant();
        String ada = user(t, "ada");
        String id = room(ada, "limits", List.of());
        String path = "/api/agent-rooms/" + id + "/messages";
        post(ada, id, "x".repeat(20_000)).then().statusCode(201);
        post(ada, id, "😀".repeat(20_000)).then().statusCode(201); // code points, not UTF-16 units
        post(ada, id, "x".repeat(20_001)).then().statusCode(422).body("code", equalTo("message.too_long"));
        post(ada, id, "").then().statusCode(422).body("code", equalTo("message.empty"));
        as(ada).body(Map.of()).post(path).then().statusCode(400).body("code", equalTo("request.invalid"));
        as(ada).body("{\"content\": \"hi\"").post(path).then().statusCode(400).body("code", equalTo("request.malformed_json"));

        Map<String, Object> meta = Map.of("k", "v".repeat(8192 - 8)); // exactly 8 KiB serialized
        as(ada).body(Map.of("content", "with meta", "metadata", meta)).post(path).then().statusCode(201)
                .body("metadata.k.length()", equalTo(8192 - 8));
        as(ada).body(Map.of("content", "too much", "metadata", Map.of("k", "v".repeat(8192 - 7)))).post(path)
                .then().statusCode(422).body("code", equalTo("message.metadata_too_large"));
        as(ada).body(Map.of("content", "array", "metadata", List.of(1, 2))).post(path).then().statusCode(400)
                .body("code", equalTo("request.invalid"));
        as(ada).body("{\"content\": \"str\", \"metadata\": \"x\"}").post(path).then().statusCode(400);
        // nothing of the rejected posts was written
        List<Map<String, Object>> log = events(ada, "room:" + id);
        assertThat(log).extracting(e -> e.get("type")).containsExactly("member.added", "message.created",
                "message.created", "message.created");
    }

    @Test
    void theTwentyFirstDistinctMentionIsNotRouted() {
        String t = tenant();
        String ada = user(t, "ada");
        List<String> bots = IntStream.rangeClosed(1, 21).mapToObj(i -> "bots:b" + i).toList();
        String id = room(ada, "crowd", bots);
        String text = bots.stream().map(b -> "@" + b).collect(Collectors.joining(" ")) + " @bots:b1 @user:ada";
        JsonPath message = post(ada, id, text).then().statusCode(201).extract().jsonPath();
        assertThat(message.getList("mentions")).hasSize(22).endsWith("bots:b21", "user:ada");
        assertThat(message.getList("routes")).containsExactlyElementsOf(bots.subList(0, 20));
        List<Map<String, Object>> inbox = events(app(t, "bots"), "inbox");
        assertThat(inbox).extracting(e -> data(e).get("target")).containsExactlyElementsOf(bots.subList(0, 20));
        assertThat(inbox).extracting(e -> data(e).get("mentioned")).containsOnly(true);
    }

    @Test
    void theRouteLimitIsConfigurablePerTenant() {
        String ada = user("tiny", "ada-" + Api.suffix());
        String id = room(ada, "tiny-" + Api.suffix(), List.of("bots:a", "bots:b"));
        assertThat(post(ada, id, "@bots:b and @bots:a").then().statusCode(201).extract().jsonPath()
                .getList("routes")).containsExactly("bots:b");
    }

    @Test
    void mentionsOfNonMembersAndInCodeAreNotRouted() {
        String t = tenant();
        String ada = user(t, "ada");
        String id = room(ada, "code", List.of("marketing:cmo", "marketing:engagement"));
        JsonPath message = post(ada, id, "`@marketing:cmo` and @marketing:x_monitor\n\n```\n@marketing:engagement\n```")
                .then().statusCode(201).extract().jsonPath();
        assertThat(message.getList("mentions")).containsExactly("marketing:x_monitor");
        assertThat(message.getList("routes")).isEmpty();
        // it has a mention, so it is no broadcast: no agent gets it
        assertThat(events(app(t, "marketing"), "inbox")).isEmpty();
    }

    @Test
    void postsAreIdempotentPerKeyAndRoom() {
        String t = tenant();
        String ada = user(t, "ada");
        String id = room(ada, "idem", List.of("marketing:cmo"));
        String other = room(ada, "idem-2", List.of());
        String path = "/api/agent-rooms/" + id + "/messages";
        String first = as(ada).header("Idempotency-Key", "m-1").body(Map.of("content", "once")).post(path)
                .then().statusCode(201).extract().path("id");
        String again = as(ada).header("Idempotency-Key", "m-1").body(Map.of("content", "once")).post(path)
                .then().statusCode(201).extract().path("id");
        assertThat(again).isEqualTo(first);
        as(ada).header("Idempotency-Key", "m-1").body(Map.of("content", "changed")).post(path)
                .then().statusCode(422).body("code", equalTo("idempotency.key_reused"));
        // the same key in another room is another request
        String elsewhere = as(ada).header("Idempotency-Key", "m-1").body(Map.of("content", "once"))
                .post("/api/agent-rooms/" + other + "/messages").then().statusCode(201).extract().path("id");
        assertThat(elsewhere).isNotEqualTo(first);
        assertThat(events(ada, "room:" + id)).extracting(e -> e.get("type")).containsExactly("member.added",
                "member.added", "message.created");
        assertThat(events(app(t, "marketing"), "inbox")).hasSize(1);
    }

    @Test
    void everyXssCorpusEntryRendersInertThroughTheApi() throws Exception {
        String t = tenant();
        String ada = user(t, "ada");
        String id = room(ada, "xss", List.of());
        for (String payload : SafeMarkdownTest.corpus()) {
            String html = post(ada, id, payload).then().statusCode(201).extract().path("html");
            SafeMarkdownTest.assertInert(html);
        }
        JsonPath page = as(ada).get("/api/agent-rooms/" + id + "/messages?limit=100").then().statusCode(200)
                .extract().jsonPath();
        assertThat(page.getList("items")).hasSize(SafeMarkdownTest.corpus().size());
        page.getList("items.html", String.class).forEach(SafeMarkdownTest::assertInert);
    }

    @Test
    void concurrentPostsAreEachOneEventInSeqOrder() throws Exception {
        String t = tenant();
        String ada = user(t, "ada");
        String bob = user(t, "bob");
        String id = room(ada, "busy", List.of("user:bob"));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<CompletableFuture<Void>> writers = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                int writer = w;
                writers.add(CompletableFuture.runAsync(() -> {
                    for (int i = 0; i < 10; i++) {
                        post(writer % 2 == 0 ? ada : bob, id, "m " + writer + "-" + i).then().statusCode(201);
                    }
                }, pool));
            }
            CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).get();
        } finally {
            pool.shutdown();
        }
        List<Map<String, Object>> log = events(ada, "room:" + id);
        assertThat(log).hasSize(42);
        assertThat(log).extracting(e -> ((Number) e.get("seq")).longValue())
                .containsExactlyElementsOf(LongStream.rangeClosed(1, 42).boxed().toList());
        assertThat(log.subList(2, 42)).extracting(e -> e.get("type")).containsOnly("message.created");
        // the message's seq is its event's seq; each writer's posts kept their order
        assertThat(log.subList(2, 42)).allSatisfy(e -> assertThat(((Number) data(e).get("seq")).longValue())
                .isEqualTo(((Number) e.get("seq")).longValue()));
        Map<String, List<Integer>> perWriter = new HashMap<>();
        for (Map<String, Object> e : log.subList(2, 42)) {
            String[] parts = ((String) data(e).get("content")).substring(2).split("-");
            perWriter.computeIfAbsent(parts[0], k -> new ArrayList<>()).add(Integer.parseInt(parts[1]));
        }
        assertThat(perWriter).hasSize(4);
        perWriter.values().forEach(list -> assertThat(list).hasSize(10).isSorted());
        List<Long> listed = as(bob).get("/api/agent-rooms/" + id + "/messages?limit=100").then().statusCode(200)
                .extract().jsonPath().getList("items.seq", Long.class);
        assertThat(listed).containsExactlyElementsOf(LongStream.rangeClosed(3, 42).boxed().toList());
    }

    @Test
    void postsRacingMembershipChangesFollowTheRosterOfTheirSeq() throws Exception {
        String t = tenant();
        String ada = user(t, "ada");
        String bob = user(t, "bob");
        String ops = app(t, "ops");
        String id = room(ada, "racy", List.of("user:bob", "ops:a1"));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<CompletableFuture<Void>> writers = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                int writer = w;
                writers.add(CompletableFuture.runAsync(() -> {
                    for (int i = 0; i < 15; i++) {
                        post(ada, id, "ada " + writer + "-" + i).then().statusCode(201); // broadcasts
                    }
                }, pool));
            }
            writers.add(CompletableFuture.runAsync(() -> {
                for (int i = 0; i < 15; i++) {
                    // 201 while bob is a member, 404 once his removal committed
                    int status = post(bob, id, "bob " + i).then().extract().statusCode();
                    assertThat(status).isIn(201, 404);
                }
            }, pool));
            writers.add(CompletableFuture.runAsync(() -> {
                String members = "/api/agent-rooms/" + id + "/members";
                as(ada).body(Map.of("ref", "ops:a2")).post(members).then().statusCode(201);
                as(ada).delete(members + "/user:bob").then().statusCode(204);
                as(ada).body(Map.of("ref", "ops:a3")).post(members).then().statusCode(201);
                as(ada).delete(members + "/ops:a1").then().statusCode(204);
            }, pool));
            CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).get();
        } finally {
            pool.shutdown();
        }
        List<Map<String, Object>> log = events(ada, "room:" + id);
        assertThat(log).extracting(e -> ((Number) e.get("seq")).longValue())
                .containsExactlyElementsOf(LongStream.rangeClosed(1, log.size()).boxed().toList());
        // replay the roster along the stream: every message comes from a member at its seq, and its broadcast
        // reached exactly the agents that were members at its seq
        Map<String, Set<String>> deliveredTo = new HashMap<>();
        for (Map<String, Object> e : events(ops, "inbox")) {
            Map<?, ?> message = (Map<?, ?>) data(e).get("message");
            deliveredTo.computeIfAbsent((String) message.get("id"), k -> new HashSet<>())
                    .add((String) data(e).get("target"));
        }
        Set<String> roster = new HashSet<>();
        int messages = 0;
        for (Map<String, Object> e : log) {
            String ref = (String) data(e).get("ref");
            switch ((String) e.get("type")) {
                case "member.added" -> roster.add(ref);
                case "member.removed" -> roster.remove(ref);
                default -> {
                    messages++;
                    assertThat(roster).contains((String) data(e).get("sender"));
                    Set<String> agents = roster.stream().filter(r -> r.startsWith("ops:"))
                            .collect(Collectors.toSet());
                    assertThat(deliveredTo.getOrDefault((String) data(e).get("id"), Set.of()))
                            .as("deliveries of seq %s", e.get("seq")).isEqualTo(agents);
                }
            }
        }
        assertThat(roster).containsExactlyInAnyOrder("user:ada", "ops:a2", "ops:a3");
        assertThat(messages).isGreaterThanOrEqualTo(30);
    }

    /**
     * Writes {@code count} messages straight into the room's tables and stream log, exactly as the service stores
     * them (one row, one event, seq from the stream head), in one JDBC batch: a thousand HTTP posts would take minutes
     * on a shared CI machine and prove nothing the concurrent-posts test does not.
     */
    static void seedMessages(String tenant, String roomId, String sender, int count) throws Exception {
        String key = tenant + "/room:" + roomId;
        try (Connection c = ParleyTestResources.postgres().connect("rooms")) {
            c.setAutoCommit(false);
            long head;
            try (PreparedStatement bump = c.prepareStatement(
                    "UPDATE stream_head SET head = head + ? WHERE stream_key = ? RETURNING head")) {
                bump.setInt(1, count);
                bump.setString(2, key);
                try (ResultSet rs = bump.executeQuery()) {
                    rs.next();
                    head = rs.getLong(1);
                }
            }
            try (PreparedStatement message = c.prepareStatement("INSERT INTO room_messages (id, room_id, seq, sender, "
                    + "sender_name, content, html, mentions, routes, metadata, created_at) "
                    + "VALUES (?, ?, ?, ?, NULL, ?, ?, '[]', '[]', NULL, ?)");
                 PreparedStatement event = c.prepareStatement("INSERT INTO stream_log (stream_key, seq, type, at, "
                         + "envelope, origin, published) VALUES (?, ?, 'message.created', ?, ?, ?, true)")) {
                Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
                for (long seq = head - count + 1; seq <= head; seq++) {
                    UUID id = UuidV7.next();
                    String content = "message " + seq;
                    RoomMessage data = new RoomMessage(id.toString(), seq, roomId, sender, null, content,
                            "<p>" + content + "</p>\n", List.of(), List.of(), null, now);
                    message.setObject(1, id);
                    message.setObject(2, UUID.fromString(roomId));
                    message.setLong(3, seq);
                    message.setString(4, sender);
                    message.setString(5, content);
                    message.setString(6, data.html());
                    message.setObject(7, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
                    message.addBatch();
                    event.setString(1, key);
                    event.setLong(2, seq);
                    event.setObject(3, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
                    event.setString(4, Json.string(Envelope.durable("room:" + roomId, seq, "message.created", now, data)));
                    event.setString(5, sender);
                    event.addBatch();
                }
                message.executeBatch();
                event.executeBatch();
            }
            c.commit();
        }
    }

    @Test
    void pagingThroughAThousandMessagesReturnsEachOnceInOrder() throws Exception {
        String t = tenant();
        String ada = user(t, "ada");
        String bob = user(t, "bob");
        String id = room(ada, "history", List.of("user:bob"));
        seedMessages(t, id, "user:ada", 1000);
        String path = "/api/agent-rooms/" + id + "/messages";

        // forward from the start, 100 at a time
        List<Long> forward = new ArrayList<>();
        HashSet<String> ids = new HashSet<>();
        Object after = 0;
        int pages = 0;
        while (after != null) {
            JsonPath page = as(ada).get(path + "?after=" + after + "&limit=100").then().statusCode(200)
                    .extract().jsonPath();
            List<Long> seqs = page.getList("items.seq", Long.class);
            if (seqs.isEmpty()) {
                assertThat(page.getLong("nextAfter")).isEqualTo(1002);
                break;
            }
            assertThat(seqs).hasSize(100);
            forward.addAll(seqs);
            ids.addAll(page.getList("items.id"));
            after = page.get("nextAfter");
            pages++;
        }
        assertThat(pages).isEqualTo(10);
        assertThat(forward).containsExactlyElementsOf(LongStream.rangeClosed(3, 1002).boxed().toList());
        assertThat(ids).hasSize(1000);

        // back-scroll from the newest, 100 at a time (a larger limit is capped)
        List<Long> backward = new ArrayList<>();
        Object before = null;
        do {
            JsonPath page = as(bob).get(path + "?limit=500" + (before == null ? "" : "&before=" + before))
                    .then().statusCode(200).extract().jsonPath();
            List<Long> seqs = page.getList("items.seq", Long.class);
            assertThat(seqs).hasSize(100).isSorted();
            backward.addAll(0, seqs);
            before = page.get("nextBefore");
        } while (before != null);
        assertThat(backward).isEqualTo(forward);

        // the default page is the newest 50; a bad limit is a 400
        assertThat(as(ada).get(path).then().statusCode(200).extract().jsonPath().getList("items.seq", Long.class))
                .containsExactlyElementsOf(LongStream.rangeClosed(953, 1002).boxed().toList());
        as(ada).get(path + "?limit=abc").then().statusCode(400).body("code", equalTo("request.invalid"));
        // a post after the seeded history continues the stream
        assertThat(post(ada, id, "next").then().statusCode(201).extract().jsonPath().getLong("seq")).isEqualTo(1003);
    }
}
