package dev.parley.events;

/** Every event type the contract names, in one place. */
public final class EventTypes {
    // channel (durable)
    public static final String MESSAGE_CREATED = "message.created";
    public static final String MESSAGE_EDITED = "message.edited";
    public static final String MESSAGE_DELETED = "message.deleted";
    public static final String REACTION_ADDED = "reaction.added";
    public static final String REACTION_REMOVED = "reaction.removed";
    // rooms and sessions (durable)
    public static final String MEMBER_ADDED = "member.added";
    public static final String MEMBER_REMOVED = "member.removed";
    // agent inbox (durable)
    public static final String ROOM_MESSAGE = "room.message";
    // sessions (durable)
    public static final String TRANSCRIPT_APPENDED = "transcript.appended";
    public static final String TURN_STARTED = "turn.started";
    public static final String TURN_ENDED = "turn.ended";
    public static final String ENGINE_SET = "engine.set";
    /** {@code {"turnId", "by", "reason"}}: a member asked the holder to stop the running turn. */
    public static final String TURN_CANCEL_REQUESTED = "turn.cancel_requested";
    // me (durable)
    public static final String MENTION = "mention";
    public static final String SHARE_GRANTED = "share.granted";
    public static final String SHARE_REVOKED = "share.revoked";
    public static final String SYNC_STARTED = "sync.started";
    public static final String SYNC_STOPPED = "sync.stopped";
    public static final String SYNC_TABS = "sync.tabs";
    public static final String SYNC_SCREEN = "sync.screen";
    // ephemeral and latest-value (no seq)
    public static final String TYPING = "typing";
    public static final String SIGNAL = "signal";
    public static final String LIVE_UPDATED = "live.updated";
    public static final String PRESENCE_SNAPSHOT = "presence.snapshot";
    public static final String PRESENCE_CHANGED = "presence.changed";
    // control
    public static final String RESET = "reset";

    private EventTypes() {
    }
}
