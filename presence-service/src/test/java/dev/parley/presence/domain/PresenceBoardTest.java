package dev.parley.presence.domain;

import dev.parley.events.payload.ConnectionEvent;
import dev.parley.events.payload.RosterEntry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The fold's rules, on a clock the test moves (no Kafka, no Quarkus). */
class PresenceBoardTest {

    static final Duration IDLE = Duration.ofMinutes(5);
    static final Duration GRACE = Duration.ofSeconds(30);
    final PresenceBoard board = new PresenceBoard(PresenceRules.of(IDLE, GRACE, Duration.ofSeconds(5), 3));
    Instant now = Instant.parse("2026-11-21T10:00:00Z");
    final List<Transition> published = new ArrayList<>();

    ConnectionEvent event(String kind, String gateway, String connection, String tenant, String ref) {
        return new ConnectionEvent(kind, gateway, connection, tenant, ref, "Ada", now);
    }

    void send(ConnectionEvent event) {
        board.apply(event, now).flatMap(key -> board.evaluate(key, now)).ifPresent(published::add);
    }

    void connect(String connection) {
        send(event(ConnectionEvent.CONNECT, "gw1", connection, "acme", "user:ada"));
    }

    void disconnect(String connection) {
        send(event(ConnectionEvent.DISCONNECT, "gw1", connection, "acme", "user:ada"));
    }

    void heartbeat(String gateway) {
        send(new ConnectionEvent(ConnectionEvent.HEARTBEAT, gateway, null, null, null, null, now));
    }

    /** Moves the clock in ticks of one second (heartbeating gw1 unless told not to) and runs the timers. */
    void advance(Duration by, boolean heartbeats) {
        Instant end = now.plus(by);
        while (now.isBefore(end)) {
            now = now.plusSeconds(1).isAfter(end) ? end : now.plusSeconds(1);
            if (heartbeats) {
                heartbeat("gw1");
            }
            published.addAll(board.tick(now));
        }
    }

    void advance(Duration by) {
        advance(by, true);
    }

    RosterEntry ada() {
        return board.entry("acme", "user:ada").orElseThrow();
    }

    List<String> statuses() {
        return published.stream().map(t -> t.entry().status()).toList();
    }

    @Test
    void openingAConnectionMakesTheMemberOnlineSinceThen() {
        Instant at = now;
        connect("c1");
        assertThat(statuses()).containsExactly("online");
        assertThat(published.getFirst().entry()).isEqualTo(new RosterEntry("user:ada", "Ada", "online", at));
        assertThat(published.getFirst().key()).isEqualTo("acme/user:ada");
    }

    @Test
    void twoTabsAreOnePersonAndClosingOneKeepsThemOnline() {
        connect("c1");
        connect("c2");
        assertThat(board.entries("acme")).hasSize(1);
        disconnect("c1");
        advance(GRACE.multipliedBy(2));
        assertThat(statuses()).containsExactly("online");
        assertThat(ada().status()).isEqualTo("online");
    }

    @Test
    void bothTabsClosedGoesOfflineOnlyAfterTheGraceSinceTheLastClose() {
        connect("c1");
        connect("c2");
        disconnect("c1");
        advance(Duration.ofSeconds(3));
        Instant lastClose = now;
        disconnect("c2");
        advance(GRACE.minusSeconds(1));
        assertThat(statuses()).containsExactly("online");
        advance(Duration.ofSeconds(1));
        assertThat(statuses()).containsExactly("online", "offline");
        assertThat(ada().since()).isEqualTo(lastClose);
    }

    @Test
    void aReloadWithinTheGraceNeverProducesAnOfflineTransition() {
        connect("c1");
        advance(Duration.ofSeconds(10));
        disconnect("c1");
        advance(GRACE.minusSeconds(5));
        connect("c2");
        advance(GRACE.multipliedBy(3));
        assertThat(statuses()).containsExactly("online");
    }

    @Test
    void noActivityForIdleAfterMakesThemIdleAndActivityOnlineAgain() {
        Instant opened = now;
        connect("c1");
        advance(IDLE.minusSeconds(1));
        assertThat(statuses()).containsExactly("online");
        advance(Duration.ofSeconds(1));
        assertThat(statuses()).containsExactly("online", "idle");
        assertThat(ada().since()).isEqualTo(opened.plus(IDLE));
        advance(Duration.ofSeconds(7));
        Instant active = now;
        send(event(ConnectionEvent.ACTIVITY, "gw1", "c1", "acme", "user:ada"));
        assertThat(statuses()).containsExactly("online", "idle", "online");
        assertThat(ada().since()).isEqualTo(active);
    }

    @Test
    void activityKeepsThemOnline() {
        connect("c1");
        for (int i = 0; i < 10; i++) {
            advance(IDLE.minusSeconds(30));
            send(event(ConnectionEvent.ACTIVITY, "gw1", "c1", "acme", "user:ada"));
        }
        assertThat(statuses()).containsExactly("online");
    }

    @Test
    void activityWithoutAConnectionRestAPIDoesNotMakeAnOfflineMemberOnline() {
        connect("c1");
        disconnect("c1");
        advance(GRACE.plusSeconds(1));
        send(new ConnectionEvent(ConnectionEvent.ACTIVITY, null, null, "acme", "user:ada", "Ada", now));
        advance(Duration.ofSeconds(5));
        assertThat(statuses()).containsExactly("online", "offline");
    }

    @Test
    void activityWithoutAConnectionWakesAnIdleConnectedMember() {
        connect("c1");
        advance(IDLE.plusSeconds(1));
        send(new ConnectionEvent(ConnectionEvent.ACTIVITY, null, null, "acme", "user:ada", "Ada", now));
        assertThat(statuses()).containsExactly("online", "idle", "online");
    }

    @Test
    void aGatewayThatMissesItsHeartbeatsHasItsConnectionsDroppedThenTheGraceRuns() {
        connect("c1");
        advance(Duration.ofSeconds(20));
        Instant lastBeat = now;
        advance(Duration.ofSeconds(15), false);
        assertThat(board.connections("acme", "user:ada")).isEqualTo(1); // exactly 3 intervals: not yet
        advance(Duration.ofSeconds(1), false);
        assertThat(board.connections("acme", "user:ada")).isZero();
        assertThat(board.knowsGateway("gw1")).isFalse();
        assertThat(statuses()).containsExactly("online");
        advance(GRACE.plusSeconds(1), false);
        assertThat(statuses()).containsExactly("online", "offline");
        assertThat(ada().since()).isAfter(lastBeat.plusSeconds(14));
    }

    @Test
    void oneMissedHeartbeatDropsNobody() {
        connect("c1");
        advance(Duration.ofSeconds(12), false); // < 3 × 5 s
        heartbeat("gw1");
        advance(Duration.ofMinutes(1));
        assertThat(board.connections("acme", "user:ada")).isEqualTo(1);
        assertThat(statuses()).containsExactly("online");
    }

    @Test
    void aDeadGatewayLeavesConnectionsOnOtherGatewaysAlone() {
        connect("c1");
        send(event(ConnectionEvent.CONNECT, "gw2", "c2", "acme", "user:ada"));
        advance(Duration.ofMinutes(1)); // only gw1 heartbeats
        assertThat(board.connections("acme", "user:ada")).isEqualTo(1);
        assertThat(board.knowsGateway("gw2")).isFalse();
        assertThat(statuses()).containsExactly("online");
    }

    @Test
    void heartbeatsCreateNoMembersAndEventsWithoutAMemberAreIgnored() {
        heartbeat("gw1");
        assertThat(board.apply(event(ConnectionEvent.CONNECT, "gw1", "c1", "acme", null), now)).isEmpty();
        assertThat(board.apply(event("bogus", "gw1", "c1", "acme", "user:ada"), now)).isEmpty();
        assertThat(board.apply(null, now)).isEmpty();
        assertThat(board.size()).isZero();
    }

    @Test
    void tenantsAreSeparateEvenForTheSameRef() {
        connect("c1");
        send(event(ConnectionEvent.CONNECT, "gw1", "c9", "globex", "user:ada"));
        send(event(ConnectionEvent.DISCONNECT, "gw1", "c9", "globex", "user:ada"));
        advance(GRACE.plusSeconds(1));
        assertThat(board.entry("acme", "user:ada").orElseThrow().status()).isEqualTo("online");
        assertThat(board.entry("globex", "user:ada").orElseThrow().status()).isEqualTo("offline");
        assertThat(board.entries("acme")).extracting(RosterEntry::ref).containsExactly("user:ada");
        assertThat(board.byTenant()).containsOnlyKeys("acme", "globex");
    }

    @Test
    void eventTimesInTheFutureAreClampedToNow() {
        send(new ConnectionEvent(ConnectionEvent.CONNECT, "gw1", "c1", "acme", "user:ada", "Ada",
                now.plus(Duration.ofHours(1))));
        assertThat(ada().since()).isEqualTo(now);
    }

    @Test
    void aNewNameOnAnEventIsCarriedOnTheNextTransition() {
        connect("c1");
        send(new ConnectionEvent(ConnectionEvent.ACTIVITY, "gw1", "c1", "acme", "user:ada", "Ada L.", now));
        advance(IDLE.plusSeconds(1));
        assertThat(published.getLast().entry().name()).isEqualTo("Ada L.");
    }

    @Test
    void aRestoredOnlineMemberStaysOnlineWithoutEvents() {
        Instant since = now.minusSeconds(60);
        board.restore("acme", new RosterEntry("user:ada", "Ada", "online", since));
        advance(Duration.ofMinutes(1));
        assertThat(published).isEmpty();
        assertThat(ada()).isEqualTo(new RosterEntry("user:ada", "Ada", "online", since));
        // and goes idle on the same schedule as before the restart
        advance(IDLE.minusMinutes(2).plusSeconds(1));
        assertThat(statuses()).containsExactly("idle");
        assertThat(ada().since()).isEqualTo(since.plus(IDLE));
    }

    @Test
    void aRestoredIdleMemberKeepsItsSince() {
        Instant since = now.minusSeconds(600);
        board.restore("acme", new RosterEntry("user:ada", "Ada", "idle", since));
        advance(Duration.ofMinutes(10));
        assertThat(published).isEmpty();
        assertThat(ada().since()).isEqualTo(since);
    }

    @Test
    void aRestoredOfflineMemberStaysOffline() {
        board.restore("acme", new RosterEntry("user:ada", "Ada", "offline", now.minusSeconds(600)));
        advance(Duration.ofMinutes(1));
        assertThat(published).isEmpty();
    }

    @Test
    void replayingTheConnectionOfARestoredMemberReproducesTheSameStatus() {
        Instant opened = now;
        connect("c1");
        PresenceBoard rebuilt = new PresenceBoard(board.rules());
        rebuilt.restore("acme", ada());
        rebuilt.apply(event(ConnectionEvent.CONNECT, "gw1", "c1", "acme", "user:ada"), now);
        assertThat(rebuilt.tick(now)).isEmpty();
        assertThat(rebuilt.entry("acme", "user:ada").orElseThrow().since()).isEqualTo(opened);
        assertThat(rebuilt.connections("acme", "user:ada")).isEqualTo(1);
    }

    @Test
    void aRestoredMemberWhoseOnlyConnectionWasOlderThanTheTopicGoesOfflineOnItsDisconnect() {
        board.restore("acme", new RosterEntry("user:ada", "Ada", "online", now.minusSeconds(60)));
        disconnect("c-unknown");
        advance(GRACE.plusSeconds(1));
        assertThat(statuses()).containsExactly("offline");
    }

    @Test
    void anActivityRevealsAConnectionWhoseConnectWasNotSeen() {
        board.restore("acme", new RosterEntry("user:ada", "Ada", "idle", now.minusSeconds(60)));
        send(event(ConnectionEvent.ACTIVITY, "gw1", "c-old", "acme", "user:ada"));
        assertThat(board.connections("acme", "user:ada")).isEqualTo(1);
        assertThat(statuses()).containsExactly("online");
        disconnect("c-old");
        advance(GRACE.plusSeconds(1));
        assertThat(statuses()).containsExactly("online", "offline");
    }

    @Test
    void heldMembersAreLeftToEventsUntilTheHoldEnds() {
        board.restore("acme", new RosterEntry("user:ada", "Ada", "offline", now.minusSeconds(600)));
        board.apply(event(ConnectionEvent.CONNECT, "gw-dead", "c1", "acme", "user:ada"), now); // replayed
        board.refreshGateways(now);
        board.hold(tenant -> tenant.equals("acme"), now.plusSeconds(15));
        advance(Duration.ofSeconds(14));
        assertThat(published).isEmpty();
        // gw-dead never heartbeats: dropped at the hold's end, then the grace runs, and nothing flaps
        advance(GRACE.plusSeconds(5));
        assertThat(published).isEmpty();
        assertThat(ada().status()).isEqualTo("offline");
    }

    @Test
    void tickSkipsTenantsThatAreNotReady() {
        connect("c1");
        disconnect("c1");
        now = now.plus(GRACE).plusSeconds(1);
        assertThat(board.tick(now, tenant -> false)).isEmpty();
        assertThat(board.tick(now, tenant -> true)).extracting(t -> t.entry().status()).containsExactly("offline");
    }

    @Test
    void forgetDropsTheMembersOfMatchingTenants() {
        connect("c1");
        send(event(ConnectionEvent.CONNECT, "gw1", "c2", "globex", "user:bob"));
        board.forget("acme"::equals);
        assertThat(board.entries("acme")).isEmpty();
        assertThat(board.entries("globex")).hasSize(1);
        assertThat(board.count("online")).isEqualTo(1);
    }

    @Test
    void timersFireAtTheirDeadlineAndNextDueNamesTheEarliest() {
        Instant opened = now;
        connect("c1");
        assertThat(board.nextDue()).isEqualTo(opened.plus(IDLE).toEpochMilli());
        now = now.plusSeconds(3);
        Instant closed = now;
        disconnect("c1");
        assertThat(board.nextDue()).isEqualTo(closed.plus(GRACE).toEpochMilli());
        assertThat(board.tick(closed.plus(GRACE).minusMillis(1))).isEmpty();
        assertThat(board.tick(closed.plus(GRACE))).extracting(t -> t.entry().status()).containsExactly("offline");
        // the superseded idle deadline fires nothing
        assertThat(board.tick(opened.plus(IDLE).plusSeconds(1))).isEmpty();
        assertThat(board.nextDue()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void manyReloadsLeaveOneTransitionAndABoundedTimerQueue() {
        connect("c1");
        for (int i = 0; i < 1000; i++) {
            now = now.plusMillis(10);
            disconnect("c" + (i + 1));
            connect("c" + (i + 2));
            published.addAll(board.tick(now));
        }
        disconnect("c1001");
        Instant lastClose = now;
        advance(GRACE.plusSeconds(1));
        assertThat(statuses()).containsExactly("online", "offline");
        assertThat(ada().since()).isEqualTo(lastClose);
        assertThat(board.queuedTimers()).isLessThanOrEqualTo(2);
    }

    @Test
    void restoredMembersAreReEvaluatedByTheNextTick() {
        // online, but their last activity is older than idle-after: the first tick makes them idle
        board.restore("acme", new RosterEntry("user:ada", "Ada", "online", now.minus(IDLE).minusSeconds(1)));
        assertThat(board.tick(now)).extracting(t -> t.entry().status()).containsExactly("idle");
    }

    @Test
    void rulesRejectNonsense() {
        assertThatThrownBy(() -> PresenceRules.of(IDLE, GRACE, Duration.ofSeconds(5), 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PresenceRules.of(Duration.ZERO, GRACE, Duration.ofSeconds(5), 3))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(PresenceRules.of(IDLE, GRACE, Duration.ofSeconds(5), 3).heartbeatTimeout())
                .isEqualTo(Duration.ofSeconds(15));
    }

    // --- issue 23 item 14: announces re-verify restored members; placeholders expire at the end of the hold ---

    void announce(String gateway, String connection) {
        send(event(ConnectionEvent.ANNOUNCE, gateway, connection, "acme", "user:ada"));
    }

    /** What the fold does after a replay: every known gateway gets a fresh window, members are held one timeout. */
    Instant holdAfterRebuild() {
        Instant until = now.plus(board.rules().heartbeatTimeout());
        board.refreshGateways(now);
        board.hold(tenant -> tenant.equals("acme"), until);
        return until;
    }

    @Test
    void item14ARestoredMemberNoAnnounceNamesExpiresAtTheEndOfTheHoldAndGoesOfflineAfterTheGrace() {
        board.restore("acme", new RosterEntry("user:ada", "Ada", "online", now.minusSeconds(60)));
        Instant holdEnd = holdAfterRebuild();
        advance(Duration.ofSeconds(15));
        assertThat(published).isEmpty();
        advance(GRACE.minusSeconds(2));
        assertThat(published).isEmpty(); // the grace runs from the end of the hold
        advance(Duration.ofSeconds(3));
        assertThat(statuses()).containsExactly("offline");
        assertThat(ada().since()).isEqualTo(holdEnd);
        assertThat(board.unverifiedExpired()).isEqualTo(1);
    }

    @Test
    void item14ARestoredMemberWhoseGatewayReAnnouncesStaysOnlineAndGoesIdleOnSchedule() {
        Instant since = now.minusSeconds(60);
        board.restore("acme", new RosterEntry("user:ada", "Ada", "online", since));
        board.apply(event(ConnectionEvent.ANNOUNCE, "gw1", "c-old", "acme", "user:ada"), now); // replayed
        holdAfterRebuild();
        advance(Duration.ofMinutes(2));
        assertThat(published).isEmpty();
        assertThat(ada()).isEqualTo(new RosterEntry("user:ada", "Ada", "online", since));
        assertThat(board.connections("acme", "user:ada")).isEqualTo(1);
        assertThat(board.unverifiedExpired()).isZero();
        advance(IDLE.minusMinutes(3).plusSeconds(1));
        assertThat(statuses()).containsExactly("idle");
        assertThat(ada().since()).isEqualTo(since.plus(IDLE));
    }

    @Test
    void item14AnAnnounceDuringTheHoldVerifiesTheMemberAndTheirGatewayDyingDropsThem() {
        board.restore("acme", new RosterEntry("user:ada", "Ada", "online", now.minusSeconds(60)));
        holdAfterRebuild();
        advance(Duration.ofSeconds(2));
        announce("gw2", "c-old"); // live, from a gateway that then dies (no heartbeat, no disconnect)
        Instant announced = now;
        advance(Duration.ofSeconds(16));
        assertThat(published).isEmpty();
        Instant dropped = announced.plus(board.rules().heartbeatTimeout()).plusSeconds(1);
        advance(GRACE.plusSeconds(1));
        assertThat(statuses()).containsExactly("offline");
        assertThat(ada().since()).isEqualTo(dropped);
        assertThat(board.unverifiedExpired()).isZero();
    }

    @Test
    void item14AnAnnounceIsNotActivity() {
        connect("c1");
        advance(IDLE.plusSeconds(1));
        assertThat(statuses()).containsExactly("online", "idle");
        announce("gw1", "c1");
        advance(Duration.ofSeconds(5));
        assertThat(statuses()).containsExactly("online", "idle");
        assertThat(board.connections("acme", "user:ada")).isEqualTo(1);
    }

    @Test
    void item14AnAnnounceOfAConnectionNeverSeenOpenConnectsTheMember() {
        announce("gw1", "c-unseen");
        assertThat(statuses()).containsExactly("online");
        disconnect("c-unseen");
        advance(GRACE.plusSeconds(1));
        assertThat(statuses()).containsExactly("online", "offline");
    }
}
