package dev.parley.gateway.health;

import dev.parley.gateway.messaging.FanOutConsumer;
import dev.parley.gateway.service.Streams;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready while the fan-out consumer is positioned and the gateway is not draining. On shutdown the gateway turns
 * not-ready, closes every WebSocket with 1001 and ends every SSE stream (ADR 0015).
 */
@Readiness
@ApplicationScoped
public class GatewayReadiness implements HealthCheck {

    private final FanOutConsumer fanOut;
    private final Streams streams;

    public GatewayReadiness(FanOutConsumer fanOut, Streams streams) {
        this.fanOut = fanOut;
        this.streams = streams;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("gateway-streams")
                .status(fanOut.healthy() && !streams.draining())
                .withData("draining", streams.draining())
                .withData("connections", streams.openConnections())
                .build();
    }

    /** Start of shutdown (before the HTTP server waits for open requests): readiness DOWN, streams closed. */
    void onShutdownDelay(@Observes io.quarkus.runtime.ShutdownDelayInitiatedEvent event) {
        streams.drain();
    }

    void onShutdown(@Observes @Priority(1) ShutdownEvent event) {
        streams.drain();
    }
}
