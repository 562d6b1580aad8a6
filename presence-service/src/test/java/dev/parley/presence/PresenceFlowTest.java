package dev.parley.presence;

import dev.parley.events.payload.RosterEntry;
import dev.parley.presence.support.Changes;
import dev.parley.presence.support.FakeGateway;
import dev.parley.testing.ParleyTestResources;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

/**
 * Statuses folded from connection events a gateway publishes (real Kafka), as users see them on
 * {@code GET /api/presence} and as the changes topic carries them. Test timers: idle-after 5 s, offline-grace 2 s,
 * heartbeat 300 ms × 3.
 */
@QuarkusTest
class PresenceFlowTest {

    static final Duration GRACE = Duration.ofSeconds(2);
    static final Duration IDLE = Duration.ofSeconds(5);

    final String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
    final String bootstrap = ParleyTestResources.kafka().bootstrapServers();
    FakeGateway gateway;

    @BeforeEach
    void gateway() {
        gateway = new FakeGateway(bootstrap, "gw-" + UUID.randomUUID(), Duration.ofMillis(200));
    }

    @AfterEach
    void close() {
        gateway.close();
    }

    String token(String sub) {
        return ParleyTestResources.issuer().user(tenant, sub, sub.toUpperCase());
    }

    List<RosterEntry> roster(String token) {
        return List.of(given().auth().oauth2(token).get("/api/presence").then().statusCode(200)
                .extract().jsonPath().getList("items", RosterEntry.class).toArray(RosterEntry[]::new));
    }

    String status(String sub) {
        return roster(token("observer")).stream().filter(e -> e.ref().equals("user:" + sub))
                .map(RosterEntry::status).findFirst().orElse("absent");
    }

    /** Generous: the first event after start can wait for a cold broker; timing checks use record timestamps. */
    static void awaitStatus(java.util.concurrent.Callable<Boolean> condition) {
        await().atMost(Duration.ofSeconds(30)).until(condition);
    }

    List<Changes.Change> changesOf(String sub) {
        return Changes.read(bootstrap, tenant + "/user:" + sub);
    }

    @Test
    void twoTabsAreOneOnlineEntryUntilBothAreClosedAndTheGraceHasPassed() {
        Instant opened = gateway.connect(tenant, "ada", "Ada", "tab-1");
        gateway.connect(tenant, "ada", "Ada", "tab-2");
        awaitStatus(() -> status("ada").equals("online"));
        List<RosterEntry> entries = roster(token("observer"));
        assertThat(entries).filteredOn(e -> e.ref().equals("user:ada")).singleElement()
                .satisfies(e -> {
                    assertThat(e.name()).isEqualTo("Ada");
                    assertThat(e.since()).isEqualTo(opened.truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
                });

        gateway.disconnect(tenant, "ada", "tab-1");
        await().during(GRACE.plusMillis(800)).atMost(GRACE.plusSeconds(2)).until(() -> status("ada").equals("online"));

        Instant closed = gateway.disconnect(tenant, "ada", "tab-2");
        awaitStatus(() -> status("ada").equals("offline"));
        List<Changes.Change> changes = changesOf("ada");
        assertThat(changes).extracting(c -> c.entry().status()).containsExactly("online", "offline");
        Changes.Change offline = changes.getLast();
        assertThat(offline.entry().since()).isEqualTo(closed.truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
        assertThat(Duration.between(closed, offline.published())).isGreaterThanOrEqualTo(GRACE.minusMillis(50));
        assertThat(offline.envelope().stream()).isEqualTo("presence");
        assertThat(offline.envelope().type()).isEqualTo("presence.changed");
        assertThat(offline.envelope().seq()).isNull();
        assertThat(offline.key()).isEqualTo(tenant + "/user:ada");
    }

    @Test
    void aReloadWithinTheGracePublishesNoOfflineTransitionAtAll() {
        gateway.connect(tenant, "ben", "Ben", "tab-1");
        awaitStatus(() -> status("ben").equals("online"));
        gateway.disconnect(tenant, "ben", "tab-1");
        gateway.connect(tenant, "ben", "Ben", "tab-1-reloaded");
        await().during(GRACE.plusSeconds(1)).atMost(GRACE.plusSeconds(3)).until(() -> status("ben").equals("online"));
        assertThat(changesOf("ben")).extracting(c -> c.entry().status()).containsExactly("online");
    }

    @Test
    void noActivityForIdleAfterMakesIdleAndActivityMakesOnlineAgain() {
        Instant opened = gateway.connect(tenant, "cy", "Cy", "tab-1");
        awaitStatus(() -> status("cy").equals("online"));
        await().atMost(IDLE.plusSeconds(5)).until(() -> status("cy").equals("idle"));
        RosterEntry idle = roster(token("cy")).stream().filter(e -> e.ref().equals("user:cy")).findFirst().orElseThrow();
        assertThat(idle.since()).isEqualTo(opened.truncatedTo(java.time.temporal.ChronoUnit.MILLIS).plus(IDLE));

        given().auth().oauth2(token("cy")).post("/api/presence/activity").then().statusCode(204);
        awaitStatus(() -> status("cy").equals("online"));
        assertThat(changesOf("cy")).extracting(c -> c.entry().status()).containsExactly("online", "idle", "online");
    }

    @Test
    void activityOverTheConnectionKeepsAMemberOnline() {
        gateway.connect(tenant, "dee", "Dee", "tab-1");
        awaitStatus(() -> status("dee").equals("online"));
        for (int i = 0; i < 3; i++) {
            await().pollDelay(IDLE.dividedBy(2)).until(() -> true);
            gateway.activity(tenant, "dee", "tab-1");
        }
        assertThat(changesOf("dee")).extracting(c -> c.entry().status()).containsExactly("online");
    }

    @Test
    void membersOfAGatewayThatStopsHeartbeatingGoOfflineAfterTheTimeoutAndTheGrace() {
        FakeGateway dying = new FakeGateway(bootstrap, "gw-dying-" + UUID.randomUUID(), Duration.ofMillis(200));
        try {
            dying.connect(tenant, "eve", "Eve", "tab-1");
            gateway.connect(tenant, "fay", "Fay", "tab-1");
            awaitStatus(() -> status("eve").equals("online"));
            Instant died = Instant.now();
            dying.stopHeartbeats();
            awaitStatus(() -> status("eve").equals("offline"));
            Changes.Change offline = changesOf("eve").getLast();
            // dropped after 3 missed heartbeats (0.9 s), offline after the grace on top
            assertThat(Duration.between(died, offline.published())).isGreaterThanOrEqualTo(GRACE.plusMillis(700));
            assertThat(status("fay")).isIn("online", "idle"); // her gateway is alive
        } finally {
            dying.close();
        }
    }

    @Test
    void aTenantNeverSeesAnotherTenantsMembers() {
        String other = "o-" + UUID.randomUUID().toString().substring(0, 8);
        gateway.connect(tenant, "gus", "Gus", "tab-1");
        gateway.connect(other, "gus", "Gus of Other", "tab-9");
        gateway.connect(other, "hal", "Hal", "tab-8");
        String otherToken = ParleyTestResources.issuer().user(other, "ivy", "Ivy");
        awaitStatus(() -> status("gus").equals("online")
                && roster(otherToken).stream().filter(e -> e.status().equals("online")).count() == 2);
        assertThat(roster(token("observer"))).extracting(RosterEntry::ref)
                .containsExactlyInAnyOrder("user:gus", "user:observer");
        assertThat(roster(otherToken)).extracting(RosterEntry::name)
                .containsExactlyInAnyOrder("Gus of Other", "Hal", "Ivy");
        assertThat(Changes.read(bootstrap, tenant + "/")).allSatisfy(c -> assertThat(c.entry().name()).isNotEqualTo("Hal"));
        given().auth().oauth2(otherToken).get("/api/presence/sync-partners").then().statusCode(200)
                .body("items.ref", org.hamcrest.Matchers.containsInAnyOrder("user:gus", "user:hal"));
    }

    @Test
    void syncPartnersAreOnlineTeammatesOtherThanTheCaller() {
        gateway.connect(tenant, "idler", "Idler", "tab-1");
        await().atMost(IDLE.plusSeconds(5)).until(() -> status("idler").equals("idle"));
        gateway.connect(tenant, "me", "Me", "tab-2");
        gateway.connect(tenant, "pat", "Pat", "tab-3");
        gateway.connect(tenant, "gone", "Gone", "tab-4");
        gateway.disconnect(tenant, "gone", "tab-4");
        awaitStatus(() -> status("gone").equals("offline"));
        given().auth().oauth2(token("me")).get("/api/presence/sync-partners").then().statusCode(200)
                .body("items.ref", equalTo(List.of("user:pat")))
                .body("items[0].status", equalTo("online"));
    }

    @Test
    void aFirstCallPutsTheCallerOnTheRosterAtOnce() {
        given().auth().oauth2(token("newbie")).get("/api/presence").then().statusCode(200)
                .body("items.ref", hasItem("user:newbie"))
                .body("items.find { it.ref == 'user:newbie' }.status", equalTo("offline"))
                .body("items.find { it.ref == 'user:newbie' }.name", equalTo("NEWBIE"));
    }

    @Test
    void thePresenceStreamStartsWithOneSnapshotOfTheCallersTenant() {
        gateway.connect(tenant, "jo", "Jo", "tab-1");
        awaitStatus(() -> status("jo").equals("online"));
        given().auth().oauth2(token("kim")).get("/internal/streams/presence").then().statusCode(200)
                .body("stream", equalTo("presence"))
                .body("latest.size()", equalTo(1))
                .body("latest[0].type", equalTo("presence.snapshot"))
                .body("latest[0].stream", equalTo("presence"))
                .body("latest[0].data.items.ref", org.hamcrest.Matchers.containsInAnyOrder("user:jo", "user:kim",
                        "user:observer"));
    }

    @Test
    void everyEndpointNeedsAToken() {
        given().get("/api/presence").then().statusCode(401);
        given().get("/api/presence/sync-partners").then().statusCode(401);
        given().post("/api/presence/activity").then().statusCode(401);
        given().get("/api/me").then().statusCode(401);
        given().contentType(ContentType.JSON).body(Map.of("channel", false)).put("/api/me/discovery")
                .then().statusCode(401);
        given().auth().oauth2(ParleyTestResources.issuer().expired(tenant, "x")).get("/api/presence")
                .then().statusCode(401);
    }
}
