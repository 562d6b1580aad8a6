package dev.parley.sessions;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.parley.events.Json;
import dev.parley.sessions.Api.Person;
import dev.parley.testing.TopicTail;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static dev.parley.sessions.Api.person;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * The ledger (contract §6): a client that kept the envelopes it received recomputes the chain and matches the server's
 * head — from the owner's replay (what the gateway replays from seq 0) and from the Kafka records the gateway fans out.
 */
@QuarkusTest
class LedgerTest {

    /** SHA-256(previous chain ‖ envelope bytes), from 32 zero bytes: what a client computes by itself. */
    private static List<String> chains(List<String> envelopes) throws Exception {
        byte[] chain = new byte[32];
        List<String> out = new ArrayList<>();
        for (String envelope : envelopes) {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(chain);
            d.update(envelope.getBytes(StandardCharsets.UTF_8));
            chain = d.digest();
            out.add(HexFormat.of().formatHex(chain));
        }
        return out;
    }

    /** The envelopes of a replay answer exactly as sent (each item's raw text), not re-serialized. */
    private static List<String> rawItems(String body) throws Exception {
        List<String> items = new ArrayList<>();
        try (JsonParser p = Json.MAPPER.getFactory().createParser(body)) {
            p.nextToken();
            while (p.nextToken() != JsonToken.END_OBJECT) {
                String field = p.currentName();
                p.nextToken();
                if (!"items".equals(field)) {
                    p.skipChildren();
                    continue;
                }
                while (p.nextToken() == JsonToken.START_OBJECT) {
                    int start = (int) p.currentTokenLocation().getCharOffset();
                    p.skipChildren();
                    int end = (int) p.currentLocation().getCharOffset();
                    items.add(body.substring(start, end));
                }
            }
        }
        return items;
    }

    @Test
    void theChainOfTheReceivedEnvelopesMatchesTheHeadByReplayAndOnKafka() throws Exception {
        Person ada = person("acme", "Ada");
        Person bob = person("acme", "Bob");
        String id = Api.createSession(ada, "ledger");
        // empty: seq 0 and the genesis chain
        ada.req().get("/api/sessions/" + id + "/ledger/head").then().statusCode(200)
                .body("seq", equalTo(0)).body("chain", equalTo("0".repeat(64)));

        Api.share(ada, id, bob);
        int token = ada.req().body(Map.of("turnId", "t1")).post("/api/sessions/" + id + "/turn")
                .then().statusCode(201).extract().path("fencingToken");
        ada.req().body(Map.of("turnId", "t1", "role", "user", "content", "naïve — 🙂 \"quoted\" \\ </script>"))
                .post("/api/sessions/" + id + "/messages").then().statusCode(201);
        ada.req().body(Map.of("offset", 0, "data", "{\"k\":\"é\"}\n", "fencingToken", token))
                .post("/api/sessions/" + id + "/transcript").then().statusCode(200);
        // read once in the middle: the stored chain is extended later, never recomputed differently
        String middle = ada.req().get("/api/sessions/" + id + "/ledger/head").then().statusCode(200)
                .extract().path("chain");
        for (int i = 0; i < 4; i++) {
            bob.req().body(Map.of("turnId", "t1", "role", "user", "content", "m" + i))
                    .post("/api/sessions/" + id + "/messages").then().statusCode(201);
        }
        ada.req().delete("/api/sessions/" + id + "/turn").then().statusCode(204);

        // replay from seq 0 as the gateway asks for it, envelopes kept byte for byte
        String body = bob.req().get("/internal/streams/session:" + id + "/events?after=0&limit=1000")
                .then().statusCode(200).extract().asString();
        List<String> replayed = rawItems(body);
        // member.added, turn.started, message, transcript.appended, four messages, turn.ended
        assertThat(replayed).hasSize(9);
        List<String> expected = chains(replayed);
        JsonPath head = bob.req().get("/api/sessions/" + id + "/ledger/head").then().statusCode(200).extract().jsonPath();
        assertThat(head.getLong("seq")).isEqualTo(9);
        assertThat(head.getString("chain")).isEqualTo(expected.get(8));
        assertThat(expected.get(3)).isEqualTo(middle);

        // the paged ledger: every link, its envelope's own hash, and the chain after it
        List<Map<String, Object>> links = new ArrayList<>();
        Object after = 0;
        while (after != null && links.size() < 20) {
            JsonPath page = bob.req().queryParam("after", after).queryParam("limit", 3)
                    .get("/api/sessions/" + id + "/ledger").then().statusCode(200).extract().jsonPath();
            List<Map<String, Object>> items = page.getList("items");
            if (items.isEmpty()) {
                assertThat(page.getLong("nextAfter")).isEqualTo(9);
                break;
            }
            assertThat(items).hasSizeLessThanOrEqualTo(3);
            links.addAll(items);
            after = page.get("nextAfter");
        }
        assertThat(links).hasSize(9);
        for (int i = 0; i < 9; i++) {
            assertThat(links.get(i).get("seq")).isEqualTo(i + 1);
            assertThat(links.get(i).get("chain")).isEqualTo(expected.get(i));
            assertThat(links.get(i).get("sha256")).isEqualTo(HexFormat.of().formatHex(MessageDigest
                    .getInstance("SHA-256").digest(replayed.get(i).getBytes(StandardCharsets.UTF_8))));
        }

        // the same envelopes as the relay published them to Kafka (what the gateway fans out over SSE and WS)
        try (TopicTail tail = new TopicTail("parley.sessions.events.v1", "acme/session:" + id)) {
            Map<Long, String> bySeq = new TreeMap<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                tail.events().forEach(e -> bySeq.putIfAbsent(e.seq(), e.raw()));
                return bySeq.size() >= 9;
            });
            assertThat(bySeq.keySet()).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
            assertThat(chains(List.copyOf(bySeq.values())).get(8)).isEqualTo(head.getString("chain"));
        }
    }

    @Test
    void theLedgerIsForMembersOnlyAndBadPagingIs400() {
        Person ada = person("acme", "Ada");
        Person eve = person("acme", "Eve");
        String id = Api.createSession(ada, "private");
        eve.req().get("/api/sessions/" + id + "/ledger/head").then().statusCode(404);
        eve.req().get("/api/sessions/" + id + "/ledger").then().statusCode(404);
        person("globex", "Ada").req().get("/api/sessions/" + id + "/ledger").then().statusCode(404);
        ada.req().queryParam("limit", "abc").get("/api/sessions/" + id + "/ledger").then().statusCode(400)
                .body("code", equalTo("request.invalid"));
        ada.req().queryParam("after", "x").get("/api/sessions/" + id + "/ledger").then().statusCode(400);
        ada.req().queryParam("limit", 1000).get("/api/sessions/" + id + "/ledger").then().statusCode(200)
                .body("items.size()", equalTo(0)).body("nextAfter", equalTo(0));
    }
}
