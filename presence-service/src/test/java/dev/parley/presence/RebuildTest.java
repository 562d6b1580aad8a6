package dev.parley.presence;

import dev.parley.events.Topics;
import dev.parley.events.payload.RosterEntry;
import dev.parley.platform.kafka.ParleyKafka;
import dev.parley.presence.config.PresenceConfig;
import dev.parley.presence.domain.RosterDirectory;
import dev.parley.presence.domain.Transition;
import dev.parley.presence.messaging.ConnectionFolder;
import dev.parley.presence.messaging.PresenceView;
import dev.parley.presence.support.FakeGateway;
import dev.parley.testing.ParleyTestResources;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A restarted presence-service (here: a second, independent set of the same readers, built against the same topics
 * in a fresh consumer group) rebuilds the same roster and statuses from Kafka alone, and publishes nothing new.
 */
@QuarkusTest
class RebuildTest {

    @Inject
    ParleyKafka kafka;
    @Inject
    PresenceConfig config;

    final String tenant = "r-" + UUID.randomUUID().toString().substring(0, 8);

    List<RosterEntry> served() {
        String token = ParleyTestResources.issuer().user(tenant, "observer", "Observer");
        return List.of(given().auth().oauth2(token).get("/api/presence").then().statusCode(200)
                .extract().jsonPath().getList("items", RosterEntry.class).toArray(RosterEntry[]::new));
    }

    String status(String sub) {
        return served().stream().filter(e -> e.ref().equals("user:" + sub)).map(RosterEntry::status)
                .findFirst().orElse("absent");
    }

    @Test
    void aRestartedInstanceRebuildsTheSameRosterAndStatusesAndPublishesNothing() throws Exception {
        String bootstrap = ParleyTestResources.kafka().bootstrapServers();
        try (FakeGateway gateway = new FakeGateway(bootstrap, "gw-" + UUID.randomUUID(), Duration.ofMillis(200))) {
            gateway.connect(tenant, "carol", "Carol", "c1");
            await().atMost(Duration.ofSeconds(40)).until(() -> status("carol").equals("idle"));
            gateway.connect(tenant, "bob", "Bob", "b1");
            gateway.disconnect(tenant, "bob", "b1");
            await().atMost(Duration.ofSeconds(30)).until(() -> status("bob").equals("offline"));
            gateway.connect(tenant, "ada", "Ada", "a1");
            gateway.connect(tenant, "ada", "Ada", "a2");
            gateway.disconnect(tenant, "ada", "a1");
            await().atMost(Duration.ofSeconds(30)).until(() -> status("ada").equals("online"));
            gateway.activity(tenant, "ada", "a2");
            List<RosterEntry> before = served();
            assertThat(before).extracting(RosterEntry::status).containsExactly("online", "offline", "idle", "offline");

            RosterDirectory directory = new RosterDirectory();
            List<Transition> published = new CopyOnWriteArrayList<>();
            PresenceView view = new PresenceView(() -> kafka.consumer(null, Map.of()), new Topics(""), directory);
            ConnectionFolder folder = new ConnectionFolder(
                    () -> kafka.consumer("rebuild-" + UUID.randomUUID(), Map.of()), new Topics(""), config.rules(),
                    view, published::add, Clock.systemUTC(), config.tick(), ConnectionFolder.Meters.NONE);
            view.start();
            folder.start();
            try {
                assertThat(view.awaitCaughtUp(Duration.ofSeconds(30))).isTrue();
                await().atMost(Duration.ofSeconds(30)).until(folder::isRebuilt);
                gateway.activity(tenant, "ada", "a2");
                // the same roster, names and statuses (since included) as the running instance serves
                await().atMost(Duration.ofSeconds(10))
                        .untilAsserted(() -> assertThat(directory.roster(tenant)).isEqualTo(served()));
                assertThat(bySub(folder.entries(tenant))).isEqualTo(bySub(served()));
                // past the rebuild hold (heartbeat timeout) and the grace: nothing flapped, nothing republished
                await().during(config.rules().heartbeatTimeout().plus(config.offlineGrace()).plusMillis(500))
                        .atMost(Duration.ofSeconds(10))
                        .until(() -> published.stream().noneMatch(t -> t.tenant().equals(tenant)));
                assertThat(folder.entries(tenant)).extracting(RosterEntry::status)
                        .containsExactlyInAnyOrder("online", "offline", "idle", "offline");
            } finally {
                folder.close();
                view.close();
            }
        }
    }

    static Map<String, String> bySub(List<RosterEntry> entries) {
        return entries.stream().collect(Collectors.toMap(RosterEntry::ref, e -> e.status() + "@" + e.since()));
    }
}
