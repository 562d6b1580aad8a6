package dev.parley.devstack;

import java.util.List;

/**
 * The six processes of the local stack, in start order: infra (Kafka + token issuer, and the PostgreSQL it starts as
 * its own child process), the four services, then the gateway.
 *
 * @param name        the short name used for pid files, logs, env vars and flags
 * @param module      the Maven module whose fast-jar runs it ({@code null} for infra)
 * @param httpPort    default HTTP port
 * @param mgmtPort    default management port (health, metrics, OpenAPI)
 * @param database    the service's own database, or {@code null}
 */
public record Component(String name, String module, int httpPort, int mgmtPort, String database) {

    public static final Component INFRA = new Component("infra", null, 0, 0, null);
    public static final Component PRESENCE = new Component("presence", "presence-service", 8081, 9081, null);
    public static final Component CHANNEL = new Component("channel", "channel-service", 8082, 9082, "parley_channel");
    public static final Component ROOMS = new Component("rooms", "rooms-service", 8083, 9083, "parley_rooms");
    public static final Component SESSIONS =
            new Component("sessions", "session-relay-service", 8084, 9084, "parley_sessions");
    public static final Component GATEWAY = new Component("gateway", "gateway", 8080, 9080, null);

    /** The services behind the gateway, started in parallel once infra is ready. */
    public static final List<Component> SERVICES = List.of(PRESENCE, CHANNEL, ROOMS, SESSIONS);

    /** Every Quarkus process: the services, then the gateway. */
    public static final List<Component> QUARKUS = List.of(PRESENCE, CHANNEL, ROOMS, SESSIONS, GATEWAY);

    /** Every process the launcher starts, in start order (stopped in reverse). */
    public static final List<Component> ALL = List.of(INFRA, PRESENCE, CHANNEL, ROOMS, SESSIONS, GATEWAY);

    /** The databases infra creates: one per service that has one. */
    public static List<String> databases() {
        return QUARKUS.stream().map(Component::database).filter(d -> d != null).toList();
    }

    public boolean isService() {
        return module != null;
    }

    /** {@code PARLEY_<NAME>} — the env var prefix of this component's ports. */
    String envPrefix() {
        return "PARLEY_" + name.toUpperCase(java.util.Locale.ROOT);
    }
}
