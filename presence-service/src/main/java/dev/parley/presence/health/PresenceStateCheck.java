package dev.parley.presence.health;

import dev.parley.presence.messaging.PresenceRuntime;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready once the roster, statuses and discovery settings have been rebuilt from the compacted topics. */
@Readiness
@ApplicationScoped
public class PresenceStateCheck implements HealthCheck {

    private final PresenceRuntime runtime;

    public PresenceStateCheck(PresenceRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public HealthCheckResponse call() {
        boolean folded = runtime.folder() != null && runtime.folder().isRebuilt();
        return HealthCheckResponse.named("presence-state").status(runtime.ready() && folded)
                .withData("view-rebuilt", runtime.ready())
                .withData("fold-rebuilt", folded).build();
    }
}
