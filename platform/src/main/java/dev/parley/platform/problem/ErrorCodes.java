package dev.parley.platform.problem;

/**
 * Every stable, machine-readable error {@code code} of the contract, in one place. Clients switch on these; never rename
 * one (add a new code instead).
 */
public final class ErrorCodes {
    // 400
    public static final String MALFORMED_JSON = "request.malformed_json";
    public static final String INVALID = "request.invalid";
    public static final String BODY_REQUIRED = "request.body_required";
    public static final String STREAM_INVALID = "stream.invalid";
    public static final String SUBSCRIPTION_LIMIT = "stream.subscription_limit";
    /** A {@code typing} / {@code signal} frame on a stream the connection has no authorized subscription to. */
    public static final String STREAM_NOT_SUBSCRIBED = "stream.not_subscribed";
    public static final String IDEMPOTENCY_KEY_INVALID = "idempotency.key_invalid";
    public static final String FROM_AGENT_REQUIRED = "message.from_agent_required";
    // 401, 403
    public static final String UNAUTHORIZED = "auth.unauthorized";
    public static final String FORBIDDEN = "auth.forbidden";
    public static final String ORIGIN_FORBIDDEN = "auth.origin_forbidden";
    public static final String NOT_AUTHOR = "message.not_author";
    public static final String AGENTS_CANNOT_MANAGE = "room.agents_cannot_manage";
    public static final String AGENT_NOT_MEMBER = "room.agent_not_member";
    public static final String NOT_OWNER = "session.not_owner";
    public static final String TURN_NOT_HOLDER = "turn.not_holder";
    // 404, 405
    public static final String NOT_FOUND = "request.not_found";
    public static final String METHOD_NOT_ALLOWED = "request.method_not_allowed";
    // 409
    public static final String ROOM_NAME_TAKEN = "room.name_taken";
    public static final String TRANSCRIPT_OFFSET_MISMATCH = "transcript.offset_mismatch";
    public static final String TURN_HELD = "turn.held";
    public static final String TURN_FENCED = "turn.fenced";
    public static final String ENGINE_ALREADY_SET = "engine.already_set";
    public static final String SYNC_PARTNER_OFFLINE = "sync.partner_offline";
    public static final String SYNC_ALREADY_PAIRED = "sync.already_paired";
    public static final String IDEMPOTENCY_IN_PROGRESS = "idempotency.in_progress";
    // 413, 415
    public static final String TOO_LARGE = "request.too_large";
    public static final String UNSUPPORTED_MEDIA_TYPE = "request.unsupported_media_type";
    public static final String NOT_ACCEPTABLE = "request.not_acceptable";
    // 422
    public static final String IDEMPOTENCY_KEY_REUSED = "idempotency.key_reused";
    public static final String MESSAGE_TOO_LONG = "message.too_long";
    public static final String MESSAGE_EMPTY = "message.empty";
    public static final String ROOM_MEMBER_LIMIT = "room.member_limit";
    public static final String METADATA_TOO_LARGE = "message.metadata_too_large";
    public static final String ATTACHMENT_INVALID = "attachment.invalid";
    public static final String ATTACHMENT_QUOTA = "attachment.quota";
    public static final String EVENT_TOO_LARGE = "event.too_large";
    // 429, 503, 500
    public static final String RATE_LIMITED = "rate.limited";
    public static final String UNAVAILABLE = "service.unavailable";
    public static final String INTERNAL = "internal.error";

    private ErrorCodes() {
    }
}
