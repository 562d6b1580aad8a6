package dev.parley.sessions.service;

import dev.parley.platform.streamlog.StreamLogRetention;
import dev.parley.sessions.config.SessionsConfig;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/** Keeps every me stream's window at {@code me-retention} (30 days); share records stay in their own table. */
@ApplicationScoped
public class MeRetention {

    private static final Logger LOG = Logger.getLogger(MeRetention.class);

    private final StreamLogRetention retention;
    private final SessionsConfig config;

    public MeRetention(StreamLogRetention retention, SessionsConfig config) {
        this.retention = retention;
        this.config = config;
    }

    @Scheduled(every = "1h", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> trim() {
        return retention.trim("%/me/%", config.meRetention(), 1000)
                .invoke(n -> {
                    if (n > 0) {
                        LOG.infof("me streams: trimmed %d events older than %s", n, config.meRetention());
                    }
                })
                .onFailure().invoke(e -> LOG.warnf("me retention failed: %s", e.toString()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }
}
