package dev.parley.presence;

import dev.parley.events.Topics;
import dev.parley.platform.kafka.ParleyKafka;
import dev.parley.presence.messaging.HeartbeatListener;
import dev.parley.presence.support.FakeGateway;
import dev.parley.testing.ParleyTestResources;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every instance must see every gateway's heartbeats, whichever partition their gateway-id key lands on (ADR 0021):
 * the assign-all listener reports heartbeats from any partition and nothing else.
 */
@QuarkusTest
class HeartbeatListenerTest {

    @Inject
    ParleyKafka kafka;

    @Test
    void heartbeatsOfEveryGatewayAreSeenWhateverTheirPartition() {
        Map<String, Instant> seen = new ConcurrentHashMap<>();
        HeartbeatListener listener = new HeartbeatListener(() -> kafka.consumer(null, Map.of()),
                new Topics("").presenceConnections(), seen::put, Clock.systemUTC());
        listener.start();
        String bootstrap = ParleyTestResources.kafka().bootstrapServers();
        String tenant = "h-" + UUID.randomUUID().toString().substring(0, 8);
        FakeGateway[] gateways = new FakeGateway[6];
        try {
            for (int i = 0; i < gateways.length; i++) { // six ids: keys spread over the partitions
                gateways[i] = new FakeGateway(bootstrap, "gw-hb-" + i + "-" + UUID.randomUUID(),
                        Duration.ofMillis(200));
            }
            gateways[0].connect(tenant, "ada", "Ada", "c1");
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (FakeGateway g : gateways) {
                    if (!seen.containsKey(g.id())) {
                        return false;
                    }
                }
                return true;
            });
            assertThat(seen.keySet()).doesNotContain(tenant);
        } finally {
            listener.close();
            for (FakeGateway g : gateways) {
                if (g != null) {
                    g.close();
                }
            }
        }
    }
}
