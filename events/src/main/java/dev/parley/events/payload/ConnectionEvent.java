package dev.parley.events.payload;

import java.time.Instant;

/**
 * What gateways tell presence-service (topic {@code parley.presence.connections}, key = tenant):
 * {@code connect}, {@code disconnect}, {@code activity} for one connection, and {@code heartbeat} per gateway
 * instance (tenant, ref and connection null). A heartbeat lists nothing; presence drops the connections of a
 * gateway that misses its heartbeats. {@code announce} re-states that one connection is still open (the gateway
 * repeats it periodically for every open connection, so the topic always holds a recent record of each; it is not
 * activity) — presence rebuilds which connections are open from it (ADR 0025).
 */
public record ConnectionEvent(String kind, String gateway, String connection, String tenant, String ref, String name,
                              Instant at) {
    public static final String CONNECT = "connect";
    public static final String DISCONNECT = "disconnect";
    public static final String ACTIVITY = "activity";
    public static final String HEARTBEAT = "heartbeat";
    public static final String ANNOUNCE = "announce";
}
