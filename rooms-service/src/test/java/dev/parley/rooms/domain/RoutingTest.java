package dev.parley.rooms.domain;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RoutingTest {

    static final List<String> ROOM = List.of("user:anita", "marketing:cmo", "marketing:content_drafter",
            "marketing:engagement", "sales:ae");

    @Test
    void routesAreMentionedMembersMinusTheSender() {
        assertThat(Routing.routes(List.of("marketing:engagement", "user:anita", "marketing:cmo", "user:stranger"),
                Set.copyOf(ROOM), "marketing:cmo", 20)).containsExactly("marketing:engagement", "user:anita");
    }

    @Test
    void routesAreCappedAtTheFirstN() {
        List<String> members = IntStream.rangeClosed(1, 25).mapToObj(i -> "app:a" + i).toList();
        List<String> routes = Routing.routes(members, Set.copyOf(members), "user:x", 20);
        assertThat(routes).hasSize(20).containsExactlyElementsOf(members.subList(0, 20)).doesNotContain("app:a21");
    }

    @Test
    void nonMembersAndTheSenderDoNotUseUpTheLimit() {
        assertThat(Routing.routes(List.of("app:out", "user:me", "app:in1", "app:in2"),
                Set.of("user:me", "app:in1", "app:in2"), "user:me", 1)).containsExactly("app:in1");
    }

    @Test
    void zeroLimitRoutesNothingAndANegativeOneIsRejected() {
        assertThat(Routing.routes(List.of("app:a"), Set.of("app:a"), "user:me", 0)).isEmpty();
        assertThatThrownBy(() -> Routing.routes(List.of(), Set.of(), "user:me", -1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aMentionOfTheEngagementAgentDeliversOnlyToIt() {
        List<String> mentions = List.of("marketing:engagement");
        List<String> routes = Routing.routes(mentions, Set.copyOf(ROOM), "user:anita", 20);
        assertThat(Routing.deliveries(mentions, routes, ROOM, "user:anita"))
                .containsExactly(new Routing.Delivery("marketing:engagement", "marketing", true));
    }

    @Test
    void noMentionsIsABroadcastToEveryAgentMemberButTheSender() {
        assertThat(Routing.deliveries(List.of(), List.of(), ROOM, "marketing:cmo")).containsExactly(
                new Routing.Delivery("marketing:content_drafter", "marketing", false),
                new Routing.Delivery("marketing:engagement", "marketing", false),
                new Routing.Delivery("sales:ae", "sales", false));
    }

    @Test
    void mentionsOfNonMembersOnlyDeliverNothing() {
        List<String> mentions = List.of("marketing:x_monitor", "user:anita");
        List<String> routes = Routing.routes(mentions, Set.copyOf(ROOM), "marketing:cmo", 20);
        assertThat(routes).containsExactly("user:anita");
        assertThat(Routing.deliveries(mentions, routes, ROOM, "marketing:cmo")).isEmpty();
    }

    @Test
    void humanRoutesAreNotInboxDeliveries() {
        assertThat(Routing.deliveries(List.of("user:anita", "sales:ae"), List.of("user:anita", "sales:ae"), ROOM,
                "marketing:cmo")).containsExactly(new Routing.Delivery("sales:ae", "sales", true));
    }

    @Test
    void aSelfMentionRoutesNothingAndIsNotABroadcast() {
        List<String> mentions = List.of("marketing:cmo");
        List<String> routes = Routing.routes(mentions, Set.copyOf(ROOM), "marketing:cmo", 20);
        assertThat(routes).isEmpty();
        assertThat(Routing.deliveries(mentions, routes, ROOM, "marketing:cmo")).isEmpty();
    }

    @Test
    void aBroadcastInARoomWithoutAgentsDeliversNothing() {
        assertThat(Routing.deliveries(List.of(), List.of(), List.of("user:a", "user:b"), "user:a")).isEmpty();
    }
}
