package dev.parley.events;

/** The services that own durable streams, each publishing its stream log to its own events topic. */
public enum Service {
    CHANNEL("channel"),
    ROOMS("rooms"),
    SESSIONS("sessions"),
    PRESENCE("presence");

    private final String id;

    Service(String id) {
        this.id = id;
    }

    /** Short id used in topic names and configuration keys. */
    public String id() {
        return id;
    }
}
