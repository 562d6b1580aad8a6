package dev.parley.channel;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/**
 * A channel with a 3-second retention window, retention batches of 10, a 64 KiB tenant attachment quota and its own
 * Kafka topics (prefix {@code tight.}), so the events topic's retention can be set to that window without touching
 * the topic of the other tests.
 */
public class TightLimitsProfile implements QuarkusTestProfile {

    static final long WINDOW_MS = 3000;
    static final long QUOTA = 64 * 1024;

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "parley.channel.retention.period", WINDOW_MS + "ms",
                "parley.channel.retention.batch-size", "10",
                "parley.channel.attachments.tenant-quota", Long.toString(QUOTA),
                "parley.kafka.topic-prefix", "tight.");
    }
}
