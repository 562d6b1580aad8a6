package dev.parley.rooms;

import dev.parley.rooms.config.RoomsConfig;
import dev.parley.rooms.messaging.WebhookDispatcher;
import dev.parley.rooms.metrics.RoomsMetrics;
import dev.parley.testing.ParleyTestResources;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static dev.parley.rooms.Api.post;
import static dev.parley.rooms.Api.room;
import static dev.parley.rooms.Api.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 23 item 15: one slow webhook target must not stall the others (ADR 0046). Deliveries are claimed in a short
 * statement (lease + token), sent outside any transaction, acknowledged under the lease; targets go in parallel.
 */
@QuarkusTest
class WebhookIsolationTest {

    @Inject
    Pool pool;
    @Inject
    RoomsConfig config;
    @Inject
    RoomsMetrics metrics;
    @Inject
    WebhookDispatcher dispatcher;

    static List<WebhookReceiver.Received> at(String path) {
        return WebhookReceiver.RECEIVED.stream().filter(r -> r.path().equals(path)).toList();
    }

    static List<String> deliveries(String path) {
        return at(path).stream().map(r -> r.headers().get("X-parley-delivery").get(0)).toList();
    }

    static List<String> ids(String app, int from, int to) {
        return IntStream.rangeClosed(from, to).mapToObj(seq -> WebhookReceiver.TENANT + "/inbox/" + app + "#" + seq)
                .toList();
    }

    @Test
    void item15AHangingTargetIsRetriedWhileAHealthyOneGetsEveryEventWithinABound() {
        Duration timeout = config.webhooks().timeout();
        Duration bound = Duration.ofSeconds(2);
        assertThat(bound).isLessThan(timeout); // a delivery that waited for the hanging one could not make it
        String ada = user(WebhookReceiver.TENANT, "ada-" + Api.suffix());
        String id = room(ada, "isolated-" + Api.suffix(), List.of("hangapp:bot", "fastapp:bot"));
        post(ada, id, "first").then().statusCode(201);
        await().atMost(Duration.ofSeconds(10)).until(() -> !at("/hang").isEmpty() && !at("/fast").isEmpty());
        // the hanging target's first try is in flight; every new event reaches the healthy target within the bound
        for (int i = 2; i <= 5; i++) {
            post(ada, id, "message " + i).then().statusCode(201);
            int expected = i;
            await().atMost(bound).until(() -> at("/fast").size() >= expected);
        }
        assertThat(deliveries("/fast")).containsExactlyElementsOf(ids("fastapp", 1, 5));
        // meanwhile the hanging one is retried (after its timeout and the jittered backoff), the same event each try
        await().atMost(timeout.multipliedBy(3)).until(() -> at("/hang").size() >= 2);
        assertThat(deliveries("/hang")).containsOnly(WebhookReceiver.TENANT + "/inbox/hangapp#1");
    }

    @Test
    void item15TwoDispatchersNeverDeliverTheSameEventTwiceAtOnce() {
        // a second replica's dispatcher on the same database, driven by this test as fast as it can claim
        WebhookDispatcher second = new WebhookDispatcher(pool, config, metrics);
        AtomicInteger claimedBySecond = new AtomicInteger();
        String ada = user(WebhookReceiver.TENANT, "ada-" + Api.suffix());
        String id = room(ada, "contended-" + Api.suffix(), List.of("slowapp:bot"));
        int events = 20;
        for (int i = 1; i <= events; i++) {
            post(ada, id, "message " + i).then().statusCode(201);
            claimedBySecond.addAndGet(second.claimAndStart().await().atMost(Duration.ofSeconds(5)));
        }
        await().pollInterval(Duration.ofMillis(50)).atMost(Duration.ofSeconds(60)).until(() -> {
            claimedBySecond.addAndGet(second.claimAndStart().await().atMost(Duration.ofSeconds(5)));
            return at("/slow").size() >= events;
        });
        // settle: nothing is sent again afterwards
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> {
            second.claimAndStart().await().atMost(Duration.ofSeconds(5));
            return at("/slow").size() == events;
        });
        assertThat(WebhookReceiver.OVERLAPS).isEmpty();
        assertThat(deliveries("/slow")).containsExactlyElementsOf(ids("slowapp", 1, events));
        assertThat(claimedBySecond.get()).isPositive();
    }

    @Test
    void item15ConcurrentClaimsOfOneInboxLeaseItToOneClaimantAtATime() throws Exception {
        // an inbox with no configured target, so only this test claims it
        String ada = user(WebhookReceiver.TENANT, "ada-" + Api.suffix());
        String id = room(ada, "claimed-" + Api.suffix(), List.of("claimapp:bot"));
        post(ada, id, "to claim").then().statusCode(201);
        String key = WebhookReceiver.TENANT + "/inbox/claimapp";
        try (Connection c = ParleyTestResources.postgres().connect("rooms")) {
            c.createStatement().execute("INSERT INTO webhook_cursors (stream_key) VALUES ('" + key + "') "
                    + "ON CONFLICT DO NOTHING");
        }
        WebhookDispatcher second = new WebhookDispatcher(pool, config, metrics);
        for (int round = 0; round < 10; round++) {
            List<List<WebhookDispatcher.Claim>> both = Uni.combine().all()
                    .unis(dispatcher.claim(List.of(key), 1), second.claim(List.of(key), 1)).asTuple()
                    .map(t -> List.of(t.getItem1(), t.getItem2()))
                    .await().atMost(Duration.ofSeconds(10));
            assertThat(both).filteredOn(l -> !l.isEmpty()).hasSize(1);
            WebhookDispatcher.Claim held = both.stream().filter(l -> !l.isEmpty()).findFirst().orElseThrow().get(0);
            assertThat(held.key()).isEqualTo(key);
            assertThat(held.delivered()).isZero();
            // while it is leased nobody else gets it
            assertThat(dispatcher.claim(List.of(key), 1).await().atMost(Duration.ofSeconds(5))).isEmpty();
            assertThat(second.claim(List.of(key), 1).await().atMost(Duration.ofSeconds(5))).isEmpty();
            assertThat(second.release(held).await().atMost(Duration.ofSeconds(5))).isTrue();
        }
        // a lease that ran out is taken over, and the old token can no longer act on the cursor
        WebhookDispatcher.Claim old = dispatcher.claim(List.of(key), 1).await().atMost(Duration.ofSeconds(5)).get(0);
        try (Connection c = ParleyTestResources.postgres().connect("rooms")) {
            c.createStatement().execute("UPDATE webhook_cursors SET lease_until = now() - interval '1 second' "
                    + "WHERE stream_key = '" + key + "'");
        }
        WebhookDispatcher.Claim taken = second.claim(List.of(key), 1).await().atMost(Duration.ofSeconds(5)).get(0);
        assertThat(taken.token()).isNotEqualTo(old.token());
        assertThat(dispatcher.release(old).await().atMost(Duration.ofSeconds(5))).isFalse();
        assertThat(second.release(taken).await().atMost(Duration.ofSeconds(5))).isTrue();
    }
}
