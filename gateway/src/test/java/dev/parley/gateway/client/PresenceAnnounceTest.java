package dev.parley.gateway.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.events.Json;
import dev.parley.events.KafkaHeaders;
import dev.parley.gateway.support.Gw;
import dev.parley.testing.ParleyTestResources;
import dev.parley.testing.WsTestClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.apache.kafka.clients.consumer.ConsumerConfig;
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
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 23 item 14, the gateway half: every open human connection is re-announced to presence-service
 * ({@code announce}, keyed by tenant, with this instance's id) once per {@code presence-announce-interval}, so a
 * rebuilt presence-service learns it; nothing is announced after its disconnect, and app connections never are.
 */
@QuarkusTest
@TestProfile(PresenceAnnounceTest.ShortAnnounce.class)
class PresenceAnnounceTest {

    /** Announces (and the heartbeats they leave with) every 300 ms instead of 10 min / 5 s. */
    public static class ShortAnnounce implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("parley.gateway.presence-announce-interval", "300ms",
                    "parley.gateway.heartbeat-interval", "300ms");
        }
    }

    record Seen(String key, String type, JsonNode event) {
        String kind() {
            return event.path("kind").asText();
        }
    }

    final List<Seen> seen = new CopyOnWriteArrayList<>();

    List<Seen> of(String ref) {
        return seen.stream().filter(s -> ref.equals(s.event().path("ref").asText())).toList();
    }

    @Test
    void openConnectionsAreReAnnouncedPeriodicallyUntilTheyClose() {
        String sub = "ann-" + UUID.randomUUID().toString().substring(0, 8);
        String ref = "user:" + sub;
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                ParleyTestResources.kafka().bootstrapServers());
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor("parley.presence.connections.v1")
                    .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            Runnable poll = () -> consumer.poll(Duration.ofMillis(200)).forEach(this::record);

            String connection;
            try (WsTestClient human = Gw.ws(Gw.issuer().user("acme", sub, "Ann"));
                 WsTestClient app = Gw.ws(Gw.issuer().app("acme", "annbot"))) {
                await().atMost(Duration.ofSeconds(20)).until(() -> {
                    poll.run();
                    return of(ref).stream().filter(s -> s.kind().equals("announce")).count() >= 3;
                });
                Seen connect = of(ref).getFirst();
                assertThat(connect.kind()).isEqualTo("connect");
                connection = connect.event().path("connection").asText();
                List<Seen> announces = of(ref).stream().filter(s -> s.kind().equals("announce")).toList();
                assertThat(announces).allSatisfy(a -> {
                    assertThat(a.key()).isEqualTo("acme");
                    assertThat(a.type()).isEqualTo("announce");
                    assertThat(a.event().path("connection").asText()).isEqualTo(connection);
                    assertThat(a.event().path("gateway").asText()).isEqualTo("gateway-test");
                    assertThat(a.event().path("tenant").asText()).isEqualTo("acme");
                    assertThat(a.event().path("name").asText()).isEqualTo("Ann");
                });
                assertThat(app.isClosed()).isFalse();
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                poll.run();
                return of(ref).stream().anyMatch(s -> s.kind().equals("disconnect"));
            });
            // a few more announce intervals: nothing more is said of the closed connection
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> {
                poll.run();
                return of(ref).getLast().kind().equals("disconnect");
            });
            assertThat(of(ref).stream().map(Seen::kind).distinct()).containsExactly("connect", "announce",
                    "disconnect");
            assertThat(seen).noneMatch(s -> s.event().path("ref").asText().contains("annbot"));
        }
    }

    private void record(ConsumerRecord<String, byte[]> record) {
        seen.add(new Seen(record.key(), KafkaHeaders.get(record.headers(), KafkaHeaders.TYPE),
                Json.read(record.value(), JsonNode.class)));
    }
}
