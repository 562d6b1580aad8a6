package dev.parley.events;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.events.payload.Attachment;
import dev.parley.events.payload.AttachmentRef;
import dev.parley.events.payload.ChannelMessage;
import dev.parley.events.payload.Discovery;
import dev.parley.events.payload.InboxDelivery;
import dev.parley.events.payload.Items;
import dev.parley.events.payload.LiveSnapshot;
import dev.parley.events.payload.Me;
import dev.parley.events.payload.Person;
import dev.parley.events.payload.Quote;
import dev.parley.events.payload.Reaction;
import dev.parley.events.payload.Reset;
import dev.parley.events.payload.Room;
import dev.parley.events.payload.RoomMember;
import dev.parley.events.payload.RoomMessage;
import dev.parley.events.payload.RosterEntry;
import dev.parley.events.payload.Session;
import dev.parley.events.payload.SessionMember;
import dev.parley.events.payload.SessionMessage;
import dev.parley.events.payload.Share;
import dev.parley.events.payload.SyncState;
import dev.parley.events.payload.Tab;
import dev.parley.events.payload.Tool;
import dev.parley.events.payload.TranscriptAppended;
import dev.parley.events.payload.Turn;
import dev.parley.events.payload.Typing;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The wire form is exactly API.md's: each payload record, written by the shared mapper, equals a hand-written
 * golden fixture (field names, nulls, nesting, time format), and reads back into an equal record.
 */
class GoldenJsonTest {

    static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
    static final Instant T1 = Instant.parse("2026-11-21T10:01:00Z");
    static final String ROOM = "0193f1c2-0000-7000-8000-000000000001";
    static final String SESSION = "0193f1c2-0000-7000-8000-000000000002";

    static RoomMessage roomMessage() {
        return new RoomMessage("0193f1c2-0000-7000-8000-0000000000aa", 42, ROOM, "user:ada", "Ada",
                "hi @marketing:cmo", "<p>hi @marketing:cmo</p>", List.of("marketing:cmo"), List.of("marketing:cmo"),
                Json.MAPPER.createObjectNode().put("k", 1), T1);
    }

    static Stream<Arguments> fixtures() {
        RoomMessage inboxMessage = new RoomMessage("0193f1c2-0000-7000-8000-0000000000aa", 3, ROOM, "user:ada", "Ada",
                "@marketing:engagement go", "<p>@marketing:engagement go</p>", List.of("marketing:engagement"),
                List.of("marketing:engagement"), null, T1);
        return Stream.of(
                Arguments.of("envelope-room-message.json",
                        Envelope.durable("room:" + ROOM, 42, EventTypes.MESSAGE_CREATED, T1, roomMessage()),
                        Envelope.class),
                Arguments.of("envelope-typing.json",
                        Envelope.ephemeral("channel", EventTypes.TYPING, T1, new Typing("user:ada", "Ada")),
                        Envelope.class),
                Arguments.of("envelope-reset.json",
                        Envelope.ephemeral("channel", EventTypes.RESET, T1, new Reset(120, 180)), Envelope.class),
                Arguments.of("channel-message.json", new ChannelMessage("0193f1c2-0000-7000-8000-0000000000bb", 7,
                        "user:bob", "Bob", "agreed",
                        new Quote("0193f1c2-0000-7000-8000-0000000000aa", "user:ada", null, true),
                        List.of(new AttachmentRef("0193f1c2-0000-7000-8000-0000000000cc", "plan.pdf", 1024,
                                "application/pdf")),
                        List.of(new Reaction("👍", 2, List.of("user:ada", "user:bob"))), T1, null, false),
                        ChannelMessage.class),
                Arguments.of("attachment.json", new Attachment("0193f1c2-0000-7000-8000-0000000000cc", "plan.pdf", 1024,
                        "application/pdf", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"),
                        Attachment.class),
                Arguments.of("room.json", new Room(ROOM, "x-follower-push", null, List.of(
                        new RoomMember("user:ada", "Ada", "user", "user:ada", T0),
                        new RoomMember("marketing:cmo", null, "agent", "user:ada", T0)), "user:ada", T0), Room.class),
                Arguments.of("inbox-delivery.json",
                        new InboxDelivery("marketing:engagement", ROOM, inboxMessage, true), InboxDelivery.class),
                Arguments.of("presence-snapshot.json",
                        new Items<>(List.of(new RosterEntry("user:ada", "Ada", "online", T0))), null),
                Arguments.of("me.json", new Me("user:ada", "acme", "Ada", new Discovery(true, false, true)), Me.class),
                Arguments.of("session.json", new Session(SESSION, "Refactor billing", "user:ada", List.of(
                        new SessionMember("user:ada", "Ada", "owner", "user:ada", T0),
                        new SessionMember("user:bob", "Bob", "writer", "user:ada", Instant.parse("2026-11-21T10:05:00Z"))),
                        null, T0, "owner"), Session.class),
                Arguments.of("share.json", new Share(4, Share.GRANTED, SESSION, "Refactor billing",
                        new Person("user:ada", "Ada"), Instant.parse("2026-11-21T10:05:00Z")), Share.class),
                Arguments.of("live.json", new LiveSnapshot("t-1", "running", "Looking at", "the user wants",
                        List.of(new Tool("tool-1", "grep", "running", "searching")), "user:ada",
                        Instant.parse("2026-11-21T10:06:00Z"), false), LiveSnapshot.class),
                Arguments.of("turn.json", new Turn("t-1", new Person("user:ada", "Ada"), 17,
                        Instant.parse("2026-11-21T10:06:30Z")), Turn.class),
                Arguments.of("transcript-appended.json", new TranscriptAppended(100, 160,
                        "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"), TranscriptAppended.class),
                Arguments.of("sync-state.json", new SyncState("user:bob",
                        List.of(new Tab("tab-1", "Billing", SESSION)), "tab-1",
                        Json.MAPPER.createObjectNode().put("split", true)), SyncState.class),
                Arguments.of("session-message.json", new SessionMessage("0193f1c2-0000-7000-8000-0000000000dd", 9,
                        SESSION, "t-1", "assistant", "Done.", "user:ada", "Ada",
                        Instant.parse("2026-11-21T10:07:00Z")), SessionMessage.class));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void wireFormMatchesGoldenFixture(String fixture, Object value, Class<?> type) throws Exception {
        JsonNode golden;
        try (InputStream in = getClass().getResourceAsStream("/golden/" + fixture)) {
            assertThat(in).as(fixture).isNotNull();
            golden = Json.MAPPER.readTree(in);
        }
        JsonNode written = Json.MAPPER.readTree(Json.bytes(value));
        assertThat(written).isEqualTo(golden);
        if (type != null) {
            // reads back into the same value (compared in wire form: a JSON null and a missing tree are one thing)
            assertThat(Json.MAPPER.readTree(Json.bytes(Json.MAPPER.treeToValue(golden, type)))).isEqualTo(golden);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void envelopeSerdeRoundTripsTheExactBytes(String fixture, Object value, Class<?> type) {
        if (!(value instanceof Envelope envelope)) {
            return;
        }
        EnvelopeSerde serde = new EnvelopeSerde();
        byte[] bytes = serde.serializer().serialize("t", envelope);
        assertThat(Json.bytes(serde.deserializer().deserialize("t", bytes))).isEqualTo(bytes);
        assertThat(new String(bytes)).startsWith("{\"stream\":\"" + envelope.stream() + "\"");
    }
}
