package dev.parley.events;

import java.util.regex.Pattern;

/**
 * The internal, tenant-qualified identity of a stream: the Kafka record key, the stream-log key and the gateway's
 * dispatch key. Clients never see it; they see {@link StreamName#wire()}.
 * <p>
 * Form: {@code <tenant>/<wire name>} for shared streams ({@code acme/channel}, {@code acme/room:<id>},
 * {@code acme/session:<id>}, {@code acme/presence}), and {@code <tenant>/<wire name>/<owner>} for personal ones
 * ({@code acme/me/user:ada}, {@code acme/inbox/marketing}).
 */
public record StreamKey(String tenant, StreamName name, String owner) {

    private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    public StreamKey {
        if (tenant == null || !TENANT.matcher(tenant).matches()) {
            throw new InvalidStreamException("invalid tenant id");
        }
        boolean personal = name.kind() == StreamName.Kind.ME || name.kind() == StreamName.Kind.INBOX;
        if (personal == (owner == null)) {
            throw new InvalidStreamException(personal ? name.wire() + " needs an owner" : name.wire() + " has no owner");
        }
        if (owner != null && (owner.isEmpty() || owner.indexOf('/') >= 0 && name.kind() == StreamName.Kind.INBOX)) {
            throw new InvalidStreamException("invalid stream owner");
        }
    }

    public static StreamKey of(String tenant, StreamName name) {
        return new StreamKey(tenant, name, null);
    }

    /** The {@code me} stream of a human ({@code user:<sub>}). */
    public static StreamKey me(String tenant, String userRef) {
        return new StreamKey(tenant, StreamName.ME, userRef);
    }

    /** The {@code inbox} stream of an app (its agents' deliveries). */
    public static StreamKey inbox(String tenant, String appId) {
        return new StreamKey(tenant, StreamName.INBOX, appId);
    }

    /**
     * The key a caller means by a client-facing name: {@code me} is the caller's own, {@code inbox} the caller's
     * app's. {@code personalOwner} is the caller's ref for {@code me} and app id for {@code inbox}.
     */
    public static StreamKey forCaller(String tenant, StreamName name, String userRef, String appId) {
        return switch (name.kind()) {
            case ME -> {
                if (userRef == null) {
                    throw new InvalidStreamException("'me' is a human's stream");
                }
                yield me(tenant, userRef);
            }
            case INBOX -> {
                if (appId == null) {
                    throw new InvalidStreamException("'inbox' is an app's stream");
                }
                yield inbox(tenant, appId);
            }
            default -> of(tenant, name);
        };
    }

    public static StreamKey parse(String key) {
        int first = key.indexOf('/');
        if (first <= 0) {
            throw new InvalidStreamException("invalid stream key");
        }
        String tenant = key.substring(0, first);
        String rest = key.substring(first + 1);
        int second = rest.indexOf('/');
        if (second < 0) {
            return new StreamKey(tenant, StreamName.parse(rest), null);
        }
        return new StreamKey(tenant, StreamName.parse(rest.substring(0, second)), rest.substring(second + 1));
    }

    public String value() {
        return owner == null ? tenant + "/" + name.wire() : tenant + "/" + name.wire() + "/" + owner;
    }

    @Override
    public String toString() {
        return value();
    }
}
