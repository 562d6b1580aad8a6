package dev.parley.gateway;

import dev.parley.events.StreamKey;
import dev.parley.events.StreamName;
import dev.parley.gateway.support.Gw;
import dev.parley.gateway.support.RawWs;
import dev.parley.gateway.support.StubOwner;
import dev.parley.testing.WsTestClient;
import io.quarkus.test.junit.QuarkusTest;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A client that stops reading is cut off (1013) while 100 others keep receiving everything in order. */
@QuarkusTest
class SlowConsumerTest {

    static final String TENANT = "slowco";

    static double slowDisconnects() {
        int port = ConfigProvider.getConfig().getValue("quarkus.management.test-port", Integer.class);
        String metrics = given().get("http://127.0.0.1:" + port + "/q/metrics").asString();
        return metrics.lines().filter(l -> l.startsWith("parley_gateway_slow_consumer_disconnects_total{")
                        && l.contains("transport=\"ws\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    @Test
    void aClientThatStopsReadingIsDisconnectedWithoutAffectingOthers() throws Exception {
        double before = slowDisconnects();
        List<WsTestClient> readers = new ArrayList<>();
        try (RawWs slow = RawWs.connect(Gw.port(), "/api/ws", Map.of("Sec-WebSocket-Protocol",
                "parley.v1, bearer." + Gw.issuer().user(TENANT, "slow")), 4096)) {
            assertThat(slow.status()).isEqualTo(101);
            slow.sendText("{\"op\":\"subscribe\",\"stream\":\"channel\"}");
            for (int i = 0; i < 100; i++) {
                WsTestClient ws = Gw.ws(Gw.issuer().user(TENANT, "reader" + i));
                ws.sendJson(Map.of("op", "subscribe", "stream", "channel"));
                readers.add(ws);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> readers.stream()
                    .allMatch(ws -> !Gw.ops(ws, "subscribed").isEmpty()));
            StreamKey key = StreamKey.of(TENANT, StreamName.CHANNEL);
            String padding = "p".repeat(2048);
            for (int i = 1; i <= 200; i++) {
                StubOwner.get().append(key, "message.created", Map.of("text", padding, "n", i));
            }
            List<Long> all = LongStream.rangeClosed(1, 200).boxed().toList();
            await().atMost(Duration.ofSeconds(60)).until(() -> readers.stream()
                    .allMatch(ws -> Gw.seqs(ws, "channel").size() >= 200));
            for (WsTestClient ws : readers) {
                assertThat(Gw.seqs(ws, "channel")).isEqualTo(all);
                assertThat(ws.isClosed()).isFalse();
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> slowDisconnects() >= before + 1);
        } finally {
            readers.forEach(WsTestClient::close);
        }
    }
}
