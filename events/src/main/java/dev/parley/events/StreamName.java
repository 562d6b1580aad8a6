package dev.parley.events;

import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A client-facing stream name of API.md §2, parsed and validated here and nowhere else:
 * {@code channel}, {@code room:<uuid>}, {@code session:<uuid>}, {@code me}, {@code inbox}, {@code presence}.
 */
public record StreamName(Kind kind, UUID id) {

    private static final Pattern UUID_FORM =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    public enum Kind {
        CHANNEL("channel", Service.CHANNEL, true),
        ROOM("room", Service.ROOMS, true),
        SESSION("session", Service.SESSIONS, true),
        ME("me", Service.SESSIONS, true),
        INBOX("inbox", Service.ROOMS, true),
        PRESENCE("presence", Service.PRESENCE, false);

        private final String prefix;
        private final Service owner;
        private final boolean durable;

        Kind(String prefix, Service owner, boolean durable) {
            this.prefix = prefix;
            this.owner = owner;
            this.durable = durable;
        }

        public String prefix() {
            return prefix;
        }

        public boolean hasId() {
            return this == ROOM || this == SESSION;
        }
    }

    public StreamName {
        if (kind == null) {
            throw new InvalidStreamException("stream kind missing");
        }
        if (kind.hasId() != (id != null)) {
            throw new InvalidStreamException(kind.hasId() ? kind.prefix + " needs an id" : kind.prefix + " takes no id");
        }
    }

    public static final StreamName CHANNEL = new StreamName(Kind.CHANNEL, null);
    public static final StreamName ME = new StreamName(Kind.ME, null);
    public static final StreamName INBOX = new StreamName(Kind.INBOX, null);
    public static final StreamName PRESENCE = new StreamName(Kind.PRESENCE, null);

    public static StreamName room(UUID id) {
        return new StreamName(Kind.ROOM, id);
    }

    public static StreamName session(UUID id) {
        return new StreamName(Kind.SESSION, id);
    }

    /** Parses a client-facing name; anything else is an {@link InvalidStreamException}. */
    public static StreamName parse(String name) {
        if (name == null || name.isEmpty() || name.length() > 64) {
            throw new InvalidStreamException("stream name missing or too long");
        }
        int colon = name.indexOf(':');
        String prefix = colon < 0 ? name : name.substring(0, colon);
        for (Kind kind : Kind.values()) {
            if (!kind.prefix.equals(prefix)) {
                continue;
            }
            if (!kind.hasId()) {
                if (colon >= 0) {
                    throw new InvalidStreamException("'" + prefix + "' takes no id");
                }
                return new StreamName(kind, null);
            }
            String id = colon < 0 ? "" : name.substring(colon + 1);
            if (!UUID_FORM.matcher(id).matches()) {
                throw new InvalidStreamException("'" + prefix + ":' must be followed by a UUID");
            }
            return new StreamName(kind, UUID.fromString(id));
        }
        throw new InvalidStreamException("unknown stream '" + prefix + "'");
    }

    public Service owner() {
        return kind.owner;
    }

    /** Durable streams have a {@code seq} and a log to resume from; {@code presence} is live only. */
    public boolean durable() {
        return kind.durable;
    }

    /** The name as clients write it. */
    public String wire() {
        return id == null ? kind.prefix : kind.prefix + ":" + id;
    }

    @Override
    public String toString() {
        return wire();
    }
}
