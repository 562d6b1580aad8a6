package dev.parley.sessions.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/** Registers every counter at start, so dashboards and alerts see them at 0 before the first event. */
@ApplicationScoped
public class SessionsMeters {

    void register(@Observes StartupEvent event, MeterRegistry registry) {
        for (String name : new String[]{SessionsMetrics.CREATED, SessionsMetrics.TURNS_STARTED,
                SessionsMetrics.TURNS_EXPIRED, SessionsMetrics.TURNS_FENCED, SessionsMetrics.TURNS_HELD,
                SessionsMetrics.TRANSCRIPT_BYTES, SessionsMetrics.LIVE_UPDATES, SessionsMetrics.LIVE_PUBLISHED,
                SessionsMetrics.MESSAGES, SessionsMetrics.MENTIONS, SessionsMetrics.MENTIONS_DUPLICATE,
                SessionsMetrics.SYNC_STARTED, SessionsMetrics.TURNS_CANCEL_REQUESTED, SessionsMetrics.FORKS}) {
            registry.counter(name);
        }
        registry.counter(SessionsMetrics.SHARES, "kind", "granted");
        registry.counter(SessionsMetrics.SHARES, "kind", "revoked");
        for (String reason : new String[]{"released", "expired", "revoked", "cancelled"}) {
            registry.counter(SessionsMetrics.TURNS_ENDED, "reason", reason);
        }
    }
}
