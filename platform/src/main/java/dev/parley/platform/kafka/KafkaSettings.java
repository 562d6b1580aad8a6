package dev.parley.platform.kafka;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Parley's Kafka settings; the connection itself is Quarkus' {@code kafka.*} configuration (bootstrap, SASL, TLS). */
@ConfigMapping(prefix = "parley.kafka")
public interface KafkaSettings {

    /** Prefix of every topic name, so several installs can share one cluster. Empty by default. */
    java.util.Optional<String> topicPrefix();

    /** Create missing topics at start-up with the settings below. Off when topics are managed (Strimzi KafkaTopic). */
    @WithDefault("true")
    boolean createTopics();

    /** Partitions of topics created here; order holds per stream key, so more partitions = more parallel streams. */
    @WithDefault("6")
    int partitions();

    /** Replication factor of topics created here (3 in production; 1 for a single local broker). */
    @WithDefault("1")
    short replicationFactor();

    /** How long the relay's producer keeps trying one batch before the relay retries it (a broker outage). */
    @WithDefault("15s")
    Duration deliveryTimeout();
}
