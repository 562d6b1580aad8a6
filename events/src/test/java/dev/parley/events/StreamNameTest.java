package dev.parley.events;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StreamNameTest {

    static final UUID ID = UUID.fromString("0193f1c2-0000-7000-8000-000000000001");

    @Test
    void parsesEveryStreamKindAndItsOwner() {
        assertThat(StreamName.parse("channel")).isEqualTo(StreamName.CHANNEL);
        assertThat(StreamName.parse("me").owner()).isEqualTo(Service.SESSIONS);
        assertThat(StreamName.parse("inbox").owner()).isEqualTo(Service.ROOMS);
        assertThat(StreamName.parse("presence").durable()).isFalse();
        assertThat(StreamName.parse("room:" + ID)).isEqualTo(StreamName.room(ID));
        assertThat(StreamName.parse("session:" + ID).owner()).isEqualTo(Service.SESSIONS);
        assertThat(StreamName.parse("room:" + ID).wire()).isEqualTo("room:" + ID);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "rooms", "room", "room:", "room:not-a-uuid", "channel:x", "me:ada", "ROOM:" + "x",
            "session:0193f1c2-0000-7000-8000-00000000000", "presence:1", "room:0193f1c2-0000-7000-8000-000000000001x"})
    void rejectsAnythingElse(String name) {
        assertThatThrownBy(() -> StreamName.parse(name)).isInstanceOf(InvalidStreamException.class);
    }

    @Test
    void rejectsNullAndHugeNames() {
        assertThatThrownBy(() -> StreamName.parse(null)).isInstanceOf(InvalidStreamException.class);
        assertThatThrownBy(() -> StreamName.parse("room:" + "a".repeat(100))).isInstanceOf(InvalidStreamException.class);
    }

    @Test
    void keysAreTenantQualifiedAndPersonalStreamsNameTheirOwner() {
        assertThat(StreamKey.of("acme", StreamName.CHANNEL).value()).isEqualTo("acme/channel");
        assertThat(StreamKey.me("acme", "user:ada").value()).isEqualTo("acme/me/user:ada");
        assertThat(StreamKey.inbox("acme", "marketing").value()).isEqualTo("acme/inbox/marketing");
        assertThat(StreamKey.forCaller("acme", StreamName.room(ID), "user:ada", null).value())
                .isEqualTo("acme/room:" + ID);
        for (String key : new String[] {"acme/channel", "acme/me/user:ada", "acme/inbox/marketing", "acme/room:" + ID}) {
            assertThat(StreamKey.parse(key).value()).isEqualTo(key);
        }
        assertThat(StreamKey.of("acme", StreamName.CHANNEL)).isNotEqualTo(StreamKey.of("globex", StreamName.CHANNEL));
    }

    @Test
    void personalStreamsNeedTheRightKindOfCaller() {
        assertThatThrownBy(() -> StreamKey.forCaller("acme", StreamName.ME, null, "marketing"))
                .isInstanceOf(InvalidStreamException.class);
        assertThatThrownBy(() -> StreamKey.forCaller("acme", StreamName.INBOX, "user:ada", null))
                .isInstanceOf(InvalidStreamException.class);
        assertThatThrownBy(() -> StreamKey.of("ac/me", StreamName.CHANNEL)).isInstanceOf(InvalidStreamException.class);
    }

    @Test
    void topicsAreVersionedAndPrefixed() {
        assertThat(new Topics("").events(Service.CHANNEL)).isEqualTo("parley.channel.events.v1");
        assertThat(new Topics("blue.").presenceChanges()).isEqualTo("blue.parley.presence.changes.v1");
        assertThat(new Topics(null).ephemeral()).isEqualTo("parley.ephemeral.v1");
    }
}
