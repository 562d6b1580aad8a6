package dev.parley.gateway;

import dev.parley.gateway.support.Gw;
import dev.parley.gateway.support.StubOwner;
import dev.parley.testing.ParleyTestResources;
import dev.parley.testing.WsTestClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/** REST routing to the owning services, limits, the presence feed. */
@QuarkusTest
class ProxyTest {

    static final String TENANT = "acme";

    @Test
    void requestsGoToTheOwningServiceWithTheCallersTokenUnchanged() {
        String token = Gw.issuer().user(TENANT, "ada");
        int main = StubOwner.get().port();
        int sessions = StubOwner.get().sessionsPort();
        Map<String, Integer> routes = Map.of("/api/channel/messages", main, "/api/presence", main, "/api/me", main,
                "/api/me/discovery", main, "/api/me/shares", sessions, "/api/sessions/abc", sessions,
                "/api/sync/state", sessions, "/api/agent-rooms", main, "/api/agents/inbox", main,
                "/api/attachments/x", main);
        routes.forEach((path, port) -> given().header("Authorization", "Bearer " + token)
                .get(Gw.http() + path + "?before=5").then().statusCode(200)
                .body("path", equalTo(path)).body("query", equalTo("before=5"))
                .body("authorization", equalTo("Bearer " + token)).body("port", equalTo(port)));
        given().header("Authorization", "Bearer " + token).get(Gw.http() + "/api/unknown").then().statusCode(404)
                .body("code", equalTo("request.not_found"));
    }

    @Test
    void anAttachmentDownloadTakesAStreamTicketOnceAndTheOwnerSeesTheTokenNotTheTicket() {
        String token = Gw.issuer().user(TENANT, "ada");
        String ticket = given().header("Authorization", "Bearer " + token).post(Gw.http() + "/api/stream-tickets")
                .then().statusCode(201).extract().path("ticket");
        // an <img src>: no header, the ticket in the query
        given().get(Gw.http() + "/api/attachments/x?disposition=inline&ticket=" + ticket).then().statusCode(200)
                .body("path", equalTo("/api/attachments/x")).body("query", equalTo("disposition=inline"))
                .body("authorization", equalTo("Bearer " + token));
        // single use, like any ticket
        given().get(Gw.http() + "/api/attachments/x?ticket=" + ticket).then().statusCode(401)
                .body("code", equalTo("auth.unauthorized"));
        given().get(Gw.http() + "/api/attachments/x?ticket=forged").then().statusCode(401);
        // other REST routes do not take tickets
        String another = given().header("Authorization", "Bearer " + token).post(Gw.http() + "/api/stream-tickets")
                .then().statusCode(201).extract().path("ticket");
        given().get(Gw.http() + "/api/channel/messages?ticket=" + another).then().statusCode(401);
    }

    @Test
    void problemsPassThroughUnchanged() {
        given().header("Authorization", "Bearer " + Gw.issuer().user(TENANT, "ada"))
                .post(Gw.http() + "/api/channel/problem").then().statusCode(422)
                .contentType("application/problem+json").body("code", equalTo("message.too_long"));
    }

    @Test
    void anUnreachableServiceIs503WithRetryAfter() {
        StubOwner.get().stopSessions();
        try {
            given().header("Authorization", "Bearer " + Gw.issuer().user(TENANT, "ada"))
                    .get(Gw.http() + "/api/sessions").then().statusCode(503)
                    .contentType("application/problem+json").header("Retry-After", "5")
                    .body("code", equalTo("service.unavailable"));
        } finally {
            StubOwner.get().startSessions();
        }
    }

    @Test
    void postsAreRateLimitedPerMember() {
        String token = Gw.issuer().user(TENANT, "poster");
        for (int i = 0; i < 20; i++) {
            given().header("Authorization", "Bearer " + token).contentType("application/json").body("{}")
                    .post(Gw.http() + "/api/channel/messages").then().statusCode(201);
        }
        Response limited = given().header("Authorization", "Bearer " + token).contentType("application/json")
                .body("{}").post(Gw.http() + "/api/channel/messages");
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.jsonPath().getString("code")).isEqualTo("rate.limited");
        assertThat(Integer.parseInt(limited.header("Retry-After"))).isBetween(1, 10);
        // another member is not affected, nor are other routes
        given().header("Authorization", "Bearer " + Gw.issuer().user(TENANT, "other")).contentType("application/json")
                .body("{}").post(Gw.http() + "/api/channel/messages").then().statusCode(201);
        given().header("Authorization", "Bearer " + token).get(Gw.http() + "/api/channel/messages").then()
                .statusCode(200);
    }

    @Test
    void attachmentsStreamThroughAndOtherBodiesKeepTheCap() throws Exception {
        String token = Gw.issuer().user(TENANT, "ada");
        long size = 25L * 1024 * 1024;
        HttpRequest upload = HttpRequest.newBuilder(Gw.uri("/api/attachments"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new ZeroStream(size)), size)).build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(upload, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(response.body()).contains("\"bytes\":" + size);

        given().header("Authorization", "Bearer " + token).contentType("application/octet-stream")
                .body(new byte[2 * 1024 * 1024]).post(Gw.http() + "/api/channel/messages").then().statusCode(413)
                .body("code", equalTo("request.too_large"));
    }

    @Test
    void devTokenIsProxiedToTheLocalIssuer() {
        String token = given().contentType("application/json").body("{\"tenant\":\"acme\",\"user\":\"ada\"}")
                .post(Gw.http() + "/dev/token").then().statusCode(200).extract().path("access_token");
        given().header("Authorization", "Bearer " + token).get(Gw.http() + "/api/me").then().statusCode(200);
    }

    @Test
    void thePresenceFeedCarriesConnectionsActivityAndHeartbeats() {
        List<ConsumerRecord<String, String>> seen = new CopyOnWriteArrayList<>();
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                ParleyTestResources.kafka().bootstrapServers(), ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new StringDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor("parley.presence.connections.v1")
                    .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            String token = Gw.issuer().user(TENANT, "feed", "Feed");
            try (WsTestClient ws = Gw.ws(token)) {
                ws.sendJson(Map.of("op", "activity"));
                given().header("Authorization", "Bearer " + token).contentType("application/json").body("{}")
                        .put(Gw.http() + "/api/me/discovery").then().statusCode(200);
                await().atMost(Duration.ofSeconds(20)).until(() -> {
                    consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
                    return kinds(seen, "user:feed").size() >= 3;
                });
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
                return kinds(seen, "user:feed").contains("disconnect")
                        && seen.stream().anyMatch(r -> r.key().equals("gateway-test") && r.value()
                        .contains("\"kind\":\"heartbeat\""));
            });
            assertThat(kinds(seen, "user:feed")).containsExactly("connect", "activity", "activity", "disconnect");
            assertThat(seen.stream().filter(r -> r.value().contains("user:feed")).map(ConsumerRecord::key))
                    .containsOnly(TENANT);
        }
    }

    private static List<String> kinds(List<ConsumerRecord<String, String>> records, String ref) {
        return records.stream().filter(r -> r.value().contains("\"ref\":\"" + ref + "\""))
                .map(r -> r.value().replaceAll(".*\"kind\":\"([a-z]+)\".*", "$1")).toList();
    }

    /** A stream of zeros of a given length, never held in memory. */
    static final class ZeroStream extends InputStream {
        private long left;

        ZeroStream(long size) {
            this.left = size;
        }

        @Override
        public int read() {
            if (left <= 0) {
                return -1;
            }
            left--;
            return 0;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left <= 0) {
                return -1;
            }
            int n = (int) Math.min(len, left);
            java.util.Arrays.fill(b, off, off + n, (byte) 0);
            left -= n;
            return n;
        }
    }
}
