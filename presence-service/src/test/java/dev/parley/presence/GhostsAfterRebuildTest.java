package dev.parley.presence;

import dev.parley.events.Envelope;
import dev.parley.events.EventTypes;
import dev.parley.events.Json;
import dev.parley.events.StreamName;
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
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 23 item 14, presence ghosts after a rebuild. Members are restored from the compacted changes topic as online
 * while no connect of theirs is in the connections topic (as when it is older than the topic's one-hour retention).
 * Before the fix they stayed "unverified" for ever: the dead-gateway sweep never cleared them. Now gateways
 * re-announce every open connection ({@code announce}, ADR 0025): the rebuilt fold (a second, independent set of
 * readers in a fresh consumer group, as in {@link RebuildTest}) learns their connections and gateways from the
 * announces, so a gateway that then stops heartbeating takes its members offline after the grace; a member whose
 * gateway lives and re-announces stays on; a member no gateway announces expires at the end of the rebuild hold and
 * goes offline after the grace.
 */
@QuarkusTest
class GhostsAfterRebuildTest {

    @Inject
    ParleyKafka kafka;
    @Inject
    PresenceConfig config;

    final String tenant = "ghost-" + UUID.randomUUID().toString().substring(0, 8);

    record Seen(Transition transition, Instant at) {
    }

    /** A status on the changes topic exactly as presence publishes it, with no connection event behind it. */
    void published(String sub, String status, Instant since) {
        RosterEntry entry = new RosterEntry("user:" + sub, sub, status, since.truncatedTo(ChronoUnit.MILLIS));
        Envelope envelope = Envelope.ephemeral(StreamName.PRESENCE.wire(), EventTypes.PRESENCE_CHANGED, Instant.now(),
                entry);
        kafka.send(kafka.topicNames().presenceChanges(), tenant + "/user:" + sub, EventTypes.PRESENCE_CHANGED, null,
                null, Json.bytes(envelope)).await().atMost(Duration.ofSeconds(10));
    }

    static List<Seen> of(List<Seen> seen, String sub) {
        return seen.stream().filter(s -> s.transition().entry().ref().equals("user:" + sub)).toList();
    }

    static List<String> statuses(List<Seen> seen, String sub) {
        return of(seen, sub).stream().map(s -> s.transition().entry().status()).toList();
    }

    static String status(ConnectionFolder folder, String tenant, String sub) {
        return folder.entries(tenant).stream().filter(e -> e.ref().equals("user:" + sub)).map(RosterEntry::status)
                .findFirst().orElse("absent");
    }

    @Test
    void afterARebuildAGatewayThatStopsHeartbeatingTakesItsMembersOfflineAndALiveOneKeepsThem() throws Exception {
        String bootstrap = ParleyTestResources.kafka().bootstrapServers();
        Duration grace = config.offlineGrace();
        Duration timeout = config.rules().heartbeatTimeout();
        try (FakeGateway alive = new FakeGateway(bootstrap, "gw-alive-" + UUID.randomUUID(), Duration.ofMillis(200));
             FakeGateway dying = new FakeGateway(bootstrap, "gw-dying-" + UUID.randomUUID(), Duration.ofMillis(200))) {
            Instant since = Instant.now();
            published("kept", "online", since);
            published("doomed", "online", since);
            published("ghost", "online", since);
            // their connections were opened long ago; the gateways have re-announced them since (ghost's is gone)
            alive.announceEvery(Duration.ofMillis(300), tenant, "kept", "kept", "k-old");
            dying.announce(tenant, "doomed", "doomed", "d-old");

            RosterDirectory directory = new RosterDirectory();
            List<Seen> seen = new CopyOnWriteArrayList<>();
            PresenceView view = new PresenceView(() -> kafka.consumer(null, Map.of()), new Topics(""), directory);
            ConnectionFolder folder = new ConnectionFolder(
                    () -> kafka.consumer("ghosts-" + UUID.randomUUID(), Map.of()), new Topics(""), config.rules(),
                    view, t -> seen.add(new Seen(t, Instant.now())), Clock.systemUTC(), config.tick(),
                    ConnectionFolder.Meters.NONE);
            view.start();
            folder.start();
            try {
                assertThat(view.awaitCaughtUp(Duration.ofSeconds(30))).isTrue();
                await().atMost(Duration.ofSeconds(30)).until(folder::isRebuilt);
                assertThat(folder.entries(tenant)).hasSize(3).extracting(RosterEntry::status)
                        .doesNotContain("offline");

                dying.stopHeartbeats(); // the gateway dies: no disconnects, no heartbeats, no announces
                Instant died = Instant.now();

                // doomed: dropped once the gateway misses its heartbeats, offline a grace later
                await().atMost(timeout.plus(grace).plusSeconds(15))
                        .until(() -> of(seen, "doomed").stream().anyMatch(s -> s.transition().entry().status()
                                .equals("offline")));
                Seen doomed = of(seen, "doomed").getLast();
                assertThat(statuses(seen, "doomed")).isIn(List.of("offline"), List.of("idle", "offline"));
                assertThat(doomed.transition().entry().since()).isAfter(died.minusMillis(1));
                assertThat(Duration.between(doomed.transition().entry().since(), doomed.at()))
                        .isGreaterThanOrEqualTo(grace);

                // ghost: nothing announced them, so the placeholder expired at the end of the hold; offline a grace on
                await().atMost(timeout.plus(grace).plusSeconds(15))
                        .until(() -> of(seen, "ghost").stream().anyMatch(s -> s.transition().entry().status()
                                .equals("offline")));
                Seen ghost = of(seen, "ghost").getLast();
                assertThat(statuses(seen, "ghost")).isIn(List.of("offline"), List.of("idle", "offline"));
                assertThat(ghost.transition().entry().since()).isAfter(since);
                assertThat(Duration.between(ghost.transition().entry().since(), ghost.at()))
                        .isGreaterThanOrEqualTo(grace);

                // kept: its gateway lives and re-announces, so it never goes offline (idle once idle-after passes)
                await().during(timeout.plus(grace).plusMillis(500)).atMost(Duration.ofSeconds(15))
                        .until(() -> !status(folder, tenant, "kept").equals("offline")
                                && of(seen, "kept").stream().noneMatch(s -> s.transition().entry().status()
                                .equals("offline")));
                assertThat(status(folder, tenant, "kept")).isIn("online", "idle");
            } finally {
                folder.close();
                view.close();
            }
        }
    }
}
