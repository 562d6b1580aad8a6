package dev.parley.channel.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/** Every setting of the team channel (contract §4 and §7); documented in channel-service/README.md. */
@ConfigMapping(prefix = "parley.channel")
public interface ChannelConfig {

    Message message();

    Attachments attachments();

    Blobs blobs();

    Retention retention();

    Search search();

    interface Search {
        /** Longest search query, in Unicode code points; longer (or blank) → 400 {@code request.invalid}. */
        @WithDefault("256")
        int maxQueryLength();
    }

    interface Message {
        /** Longest message body, in Unicode code points (contract §7: 20,000). Abuse protection, not a storage limit. */
        @WithDefault("20000")
        int maxLength();

        /** Most attachments on one message (contract §7: 4). */
        @WithDefault("4")
        int maxAttachments();

        /** Length of a reply's quote excerpt, in code points: about two lines of a chat client. */
        @WithDefault("140")
        int excerptLength();
    }

    interface Attachments {
        /**
         * Largest upload, in bytes (contract §7: 25 MiB); larger → 413 {@code request.too_large}. The HTTP layer's
         * {@code quarkus.http.limits.max-body-size} must be at least this plus multipart overhead.
         */
        @WithDefault("25M")
        MemorySize maxSize();

        /** How long an upload that was never attached is kept (contract §4: 24 h), so abandoned uploads do not pile up. */
        @WithDefault("24h")
        Duration unattachedTtl();

        /** How often abandoned uploads are removed (a Quarkus {@code every} expression, or {@code off}). */
        @WithDefault("1h")
        String cleanupEvery();

        /** Uploads removed per short transaction by the cleanup job. */
        @WithDefault("200")
        int cleanupBatchSize();

        /**
         * Attachment bytes a tenant may hold, attached and not yet attached alike (10 GiB); an upload that would pass
         * it → 422 {@code attachment.quota}. Counted in the database, so it holds across every instance (ADR 0034).
         */
        @WithDefault("10G")
        MemorySize tenantQuota();
    }

    interface Blobs {
        /** Where attachment bytes live: {@code filesystem} (default, one directory) or {@code s3} (any S3-compatible store). */
        @WithDefault("filesystem")
        Store store();

        /** Directory of the filesystem store; a persistent volume in production (the Helm chart mounts one). */
        @WithDefault("data/channel-blobs")
        String directory();

        S3 s3();

        enum Store { FILESYSTEM, S3 }

        interface S3 {
            /** Endpoint of an S3-compatible store (MinIO, Ceph, s3proxy); empty = AWS S3 of {@link #region()}. */
            Optional<String> endpoint();

            /** Region (S3-compatible stores usually ignore it, AWS requires it). */
            @WithDefault("us-east-1")
            String region();

            /** Bucket that holds the attachments (keys are {@code <tenant>/<attachment id>}). */
            @WithDefault("parley-channel")
            String bucket();

            /** Access key; empty = the AWS default credentials chain (environment, web identity, instance profile). */
            Optional<String> accessKey();

            /** Secret key, with {@link #accessKey()}. */
            Optional<String> secretKey();

            /** Path-style addressing ({@code endpoint/bucket/key}), which most S3-compatible stores need. */
            @WithDefault("false")
            boolean pathStyle();

            /** Create the bucket at start if it is missing (convenient for local stores; off for AWS). */
            @WithDefault("false")
            boolean createBucket();
        }
    }

    interface Retention {
        /** How long messages, their reactions and attachments, and the channel stream are kept (contract §4: 7 days). */
        @WithDefault("7d")
        Duration period();

        /** Messages deleted per short transaction, so the table is never locked for long. */
        @WithDefault("500")
        int batchSize();

        /** How often the retention job runs (a Quarkus {@code every} expression, or {@code off}); 10 min keeps expiry timely. */
        @WithDefault("10m")
        String every();

        /**
         * Whether channel-service keeps the channel events topic to the same window (ADR 0035): at start it sets the
         * topic's {@code retention.ms} to {@link #period()} (and {@code segment.ms} to a 24th of it), and every run
         * deletes the topic's records older than the window. Off when the topic is managed elsewhere (Strimzi
         * KafkaTopic with the same {@code retention.ms}); then a differing {@code retention.ms} is only logged.
         */
        @WithDefault("true")
        boolean manageTopic();

        /**
         * A retention run also truncates, up to their end, the topic partitions that carry a channel in which a
         * message was deleted within this lookback (ADR 0035): Kafka is only the live transport (replay comes from
         * the database), so the deleted text leaves Kafka by the next run instead of at the window's end. 1 h
         * covers several runs, so a run that fails or is skipped is made up by the next.
         */
        @WithDefault("1h")
        Duration deletePurgeLookback();
    }
}
