package dev.parley.presence.domain;

import java.time.Duration;

/**
 * The timing rules of the presence fold (API.md §3).
 *
 * @param idleAfter        connected but without activity for longer than this → idle
 * @param offlineGrace     no connection for this long → offline (a reload inside it does not flap)
 * @param heartbeatTimeout a gateway silent for this long (interval × miss count) has all its connections dropped
 */
public record PresenceRules(Duration idleAfter, Duration offlineGrace, Duration heartbeatTimeout) {

    public PresenceRules {
        if (idleAfter.isNegative() || idleAfter.isZero() || offlineGrace.isNegative()
                || heartbeatTimeout.isNegative() || heartbeatTimeout.isZero()) {
            throw new IllegalArgumentException("presence durations must be positive");
        }
    }

    public static PresenceRules of(Duration idleAfter, Duration offlineGrace, Duration heartbeatInterval,
                                   int heartbeatMissCount) {
        if (heartbeatMissCount < 1) {
            throw new IllegalArgumentException("heartbeat miss count must be >= 1");
        }
        return new PresenceRules(idleAfter, offlineGrace, heartbeatInterval.multipliedBy(heartbeatMissCount));
    }
}
