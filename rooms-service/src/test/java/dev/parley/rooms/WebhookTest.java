package dev.parley.rooms;

import dev.parley.events.Json;
import dev.parley.rooms.domain.WebhookSignature;
import dev.parley.testing.ParleyTestResources;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.parley.rooms.Api.post;
import static dev.parley.rooms.Api.room;
import static dev.parley.rooms.Api.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Optional webhook delivery of agent inboxes: signed, retried with backoff, dead-lettered. */
@QuarkusTest
class WebhookTest {

    static List<WebhookReceiver.Received> at(String path) {
        return WebhookReceiver.RECEIVED.stream().filter(r -> r.path().equals(path)).toList();
    }

    @Test
    void inboxEventsArePostedSignedRetriedAndDeadLettered() throws Exception {
        String ada = user(WebhookReceiver.TENANT, "ada-" + Api.suffix());
        String id = room(ada, "hooked-" + Api.suffix(), List.of("okapp:bot", "flaky:bot", "down:bot"));
        String messageId = post(ada, id, "hello agents").then().statusCode(201).extract().path("id");

        await().atMost(Duration.ofSeconds(30)).until(() -> !at("/ok").isEmpty());
        WebhookReceiver.Received ok = at("/ok").get(0);
        Map<?, ?> envelope = Json.read(ok.body(), Map.class);
        assertThat(envelope.get("type")).isEqualTo("room.message");
        assertThat(envelope.get("seq")).isEqualTo(1);
        assertThat(((Map<?, ?>) envelope.get("data")).get("target")).isEqualTo("okapp:bot");
        assertThat(((Map<?, ?>) ((Map<?, ?>) envelope.get("data")).get("message")).get("id")).isEqualTo(messageId);
        String timestamp = ok.headers().get("X-parley-timestamp").get(0);
        assertThat(ok.headers().get("X-parley-signature")).containsExactly(
                WebhookSignature.sign(WebhookReceiver.SECRET, Long.parseLong(timestamp), ok.body()));
        assertThat(ok.headers().get("X-parley-delivery")).containsExactly(WebhookReceiver.TENANT + "/inbox/okapp#1");

        // flaky: 500, 500, then delivered — the same event each time
        await().atMost(Duration.ofSeconds(30)).until(() -> at("/flaky").size() >= 3);
        assertThat(at("/flaky")).extracting(WebhookReceiver.Received::status).containsExactly(500, 500, 204);
        assertThat(at("/flaky")).extracting(r -> new String(r.body(), StandardCharsets.UTF_8)).containsOnly(
                new String(at("/flaky").get(0).body(), StandardCharsets.UTF_8));

        // down: max-attempts (3) tries, then the event is dead-lettered
        await().atMost(Duration.ofSeconds(30)).until(() -> deadLetters() == 1);
        assertThat(at("/down")).hasSize(3);
        assertThat(at("/ok")).hasSize(1);
    }

    static int deadLetters() throws Exception {
        try (Connection c = ParleyTestResources.postgres().connect("rooms");
             ResultSet rs = c.createStatement().executeQuery(
                     "SELECT count(*) FROM webhook_dead_letters WHERE stream_key = 'hooks/inbox/down' AND seq = 1")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
