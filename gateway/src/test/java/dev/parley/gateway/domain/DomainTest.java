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

    @org.junit.jupiter.api.Test
    void pathsHaveOneCanonicalSpelling() {
        for (String spelling : java.util.List.of("/api/channel/messages", "/api/channel/messages/",
                "/api//channel//messages", "//api/channel/messages", "/api/%63hannel/messages",
                "/api/%63%68annel/messages", "/api/channel/./messages", "/api/channel/x/../messages")) {
            org.assertj.core.api.Assertions.assertThat(RoutingTable.canonical(spelling)).as(spelling)
                    .isEqualTo("/api/channel/messages");
        }
        // escapes of reserved or non-ASCII bytes stay escaped (a %2F is not a separator), hex upper-cased
        org.assertj.core.api.Assertions.assertThat(RoutingTable.canonical("/api/channel/messages/m/reactions/%f0%9f%91%8d"))
                .isEqualTo("/api/channel/messages/m/reactions/%F0%9F%91%8D");
        org.assertj.core.api.Assertions.assertThat(RoutingTable.canonical("/api/a%2Fb")).isEqualTo("/api/a%2Fb");
        org.assertj.core.api.Assertions.assertThat(RoutingTable.canonicalUri("/api/x/?a=1//2")).isEqualTo("/api/x?a=1//2");
        org.assertj.core.api.Assertions.assertThat(RoutingTable.canonical("/../..")).isEqualTo("/");
    }

    @org.junit.jupiter.api.Test
    void aProductionGatewayRefusesTheDefaultOrAShortTicketSecret() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> dev.parley.gateway.service.StreamTicketsAccess
                .check(dev.parley.gateway.config.GatewayConfig.DEV_TICKET_SECRET, io.quarkus.runtime.LaunchMode.NORMAL))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("at least 32 bytes");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> dev.parley.gateway.service.StreamTicketsAccess
                .check("short-secret", io.quarkus.runtime.LaunchMode.NORMAL)).isInstanceOf(IllegalStateException.class);
        dev.parley.gateway.service.StreamTicketsAccess.check("x".repeat(32), io.quarkus.runtime.LaunchMode.NORMAL);
        dev.parley.gateway.service.StreamTicketsAccess.check(dev.parley.gateway.config.GatewayConfig.DEV_TICKET_SECRET,
                io.quarkus.runtime.LaunchMode.TEST);
    }
}
