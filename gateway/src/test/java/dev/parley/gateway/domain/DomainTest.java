package dev.parley.gateway.domain;

import dev.parley.events.Service;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Pure rules: ticket sealing, origin allow-list, routing table. */
class DomainTest {

    @Test
    void aTicketOpensWithTheSameSecretOnlyAndExpires() {
        TicketCodec codec = new TicketCodec("secret-1");
        Instant expiry = Instant.now().plusSeconds(30);
        String ticket = codec.seal("the.access.token", expiry);
        TicketCodec.Ticket opened = new TicketCodec("secret-1").open(ticket, Instant.now());
        assertThat(opened.token()).isEqualTo("the.access.token");
        assertThat(opened.expiresAt().toEpochMilli()).isEqualTo(expiry.toEpochMilli());
        assertThat(codec.seal("the.access.token", expiry)).isNotEqualTo(ticket);
        assertThatThrownBy(() -> new TicketCodec("secret-2").open(ticket, Instant.now()))
                .isInstanceOf(AuthFailure.class);
        assertThatThrownBy(() -> codec.open(ticket, expiry.plusMillis(1))).isInstanceOf(AuthFailure.class);
        char[] chars = ticket.toCharArray();
        chars[20] = chars[20] == 'A' ? 'B' : 'A';
        assertThatThrownBy(() -> codec.open(new String(chars), Instant.now())).isInstanceOf(AuthFailure.class);
        assertThatThrownBy(() -> codec.open("%%%", Instant.now())).isInstanceOf(AuthFailure.class);
        assertThatThrownBy(() -> codec.open("", Instant.now())).isInstanceOf(AuthFailure.class);
    }

    @Test
    void originsMustBeListedExactlyAndAbsentOriginsPass() {
        OriginPolicy policy = new OriginPolicy(List.of("https://app.example.com/", "http://localhost:5173"));
        assertThat(policy.allows(null)).isTrue();
        assertThat(policy.allows("https://app.example.com")).isTrue();
        assertThat(policy.allows("HTTPS://APP.EXAMPLE.COM")).isTrue();
        assertThat(policy.allows("http://localhost:5173")).isTrue();
        assertThat(policy.allows("https://app.example.com.evil.io")).isFalse();
        assertThat(policy.allows("http://localhost:5174")).isFalse();
        assertThat(policy.allows("null")).isFalse();
        assertThat(new OriginPolicy(List.of()).allows("https://app.example.com")).isFalse();
    }

    @Test
    void pathsRouteToTheirOwners() {
        assertThat(RoutingTable.owner("/api/presence")).isEqualTo(Service.PRESENCE);
        assertThat(RoutingTable.owner("/api/presence/sync-partners")).isEqualTo(Service.PRESENCE);
        assertThat(RoutingTable.owner("/api/me")).isEqualTo(Service.PRESENCE);
        assertThat(RoutingTable.owner("/api/me/discovery")).isEqualTo(Service.PRESENCE);
        assertThat(RoutingTable.owner("/api/me/shares")).isEqualTo(Service.SESSIONS);
        assertThat(RoutingTable.owner("/api/channel/messages/1/reactions")).isEqualTo(Service.CHANNEL);
        assertThat(RoutingTable.owner("/api/attachments")).isEqualTo(Service.CHANNEL);
        assertThat(RoutingTable.owner("/api/agent-rooms/x/members")).isEqualTo(Service.ROOMS);
        assertThat(RoutingTable.owner("/api/agents/inbox")).isEqualTo(Service.ROOMS);
        assertThat(RoutingTable.owner("/api/sessions")).isEqualTo(Service.SESSIONS);
        assertThat(RoutingTable.owner("/api/sync/pair")).isEqualTo(Service.SESSIONS);
        assertThat(RoutingTable.owner("/api/channelx")).isNull();
        assertThat(RoutingTable.owner("/api/stream-tickets")).isNull();
        assertThat(RoutingTable.isPost("POST", "/api/channel/messages")).isTrue();
        assertThat(RoutingTable.isPost("POST", "/api/agent-rooms/abc/messages")).isTrue();
        assertThat(RoutingTable.isPost("POST", "/api/sessions/abc/messages")).isTrue();
        assertThat(RoutingTable.isPost("PUT", "/api/channel/messages")).isFalse();
        assertThat(RoutingTable.isPost("POST", "/api/channel/messages/1/reactions")).isFalse();
    }
}
