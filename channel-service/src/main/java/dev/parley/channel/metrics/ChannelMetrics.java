package dev.parley.channel.metrics;

/** Every meter channel-service registers (tags bounded: never a tenant, message or member id). */
public final class ChannelMetrics {
    /** Counter: messages posted (created; idempotent replays are not counted). */
    public static final String MESSAGES_POSTED = "parley.channel.messages.posted";
    /** Counter (bytes): attachment bytes written to the blob store. */
    public static final String ATTACHMENT_BYTES_STORED = "parley.channel.attachments.stored.bytes";
    /** Counter: uploads removed because they were never attached in time. */
    public static final String ATTACHMENTS_ABANDONED = "parley.channel.attachments.abandoned";
    /** Counter: what the retention job deleted; tag {@code kind} = {@code message} | {@code attachment} | {@code event}. */
    public static final String RETENTION_DELETED = "parley.channel.retention.deleted";
    /** Timer: one run of the retention job. */
    public static final String RETENTION_DURATION = "parley.channel.retention.duration";
    /** Tag key of {@link #RETENTION_DELETED}. */
    public static final String TAG_KIND = "kind";

    private ChannelMetrics() {
    }
}
