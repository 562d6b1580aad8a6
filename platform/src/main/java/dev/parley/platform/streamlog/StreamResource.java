package dev.parley.platform.streamlog;

import dev.parley.events.Envelope;
import dev.parley.events.EventTypes;
import dev.parley.events.InvalidStreamException;
import dev.parley.events.Json;
import dev.parley.events.StreamKey;
import dev.parley.events.StreamName;
import dev.parley.platform.identity.CurrentCaller;
import dev.parley.platform.problem.ErrorCodes;
import dev.parley.platform.problem.ProblemException;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.inject.Instance;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The internal stream API every owning service exposes to the gateway, with the caller's token:
 * <ul>
 *   <li>{@code GET /internal/streams/{stream}} — may the caller read it? {@code {"stream", "head", "earliest",
 *       "latest": [envelopes]}} or 404;</li>
 *   <li>{@code GET /internal/streams/{stream}/events?after=&limit=} — replay from the log:
 *       {@code {"items": [envelopes ascending], "head", "earliest"}}; a position older than the stream keeps gives
 *       one {@code reset} envelope instead.</li>
 * </ul>
 */
@Path("/internal/streams/{stream}")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class StreamResource {

    private final Instance<StreamAccess> access;
    private final Instance<StreamLogReader> reader;
    private final StreamLogConfig config;
    private final CurrentCaller caller;

    public StreamResource(Instance<StreamAccess> access, Instance<StreamLogReader> reader, StreamLogConfig config,
                          CurrentCaller caller) {
        this.access = access;
        this.reader = reader;
        this.config = config;
        this.caller = caller;
    }

    @GET
    public Uni<String> info(@RestPath String stream) {
        StreamName name = parse(stream);
        StreamAccess owner = owner(name);
        return owner.authorize(caller.get(), name).chain(key -> owner.latest(caller.get(), key).chain(latest -> {
            String latestJson = latest.stream().map(Json::string).collect(Collectors.joining(",", "[", "]"));
            if (!name.durable() || !reader.isResolvable()) {
                return Uni.createFrom().item("{\"stream\":" + Json.string(name.wire())
                        + ",\"head\":null,\"earliest\":null,\"latest\":" + latestJson + "}");
            }
            return reader.get().position(key).map(p -> "{\"stream\":" + Json.string(name.wire()) + ",\"head\":"
                    + p.head() + ",\"earliest\":" + p.earliest() + ",\"latest\":" + latestJson + "}");
        }));
    }

    @GET
    @Path("events")
    public Uni<String> events(@RestPath String stream, @RestQuery String after, @RestQuery String limit) {
        StreamName name = parse(stream);
        if (!name.durable() || !reader.isResolvable()) {
            throw ProblemException.badRequest(ErrorCodes.STREAM_INVALID, name.wire() + " is a live stream with no log");
        }
        long from = parseLong(after, "after", 0);
        int max = (int) Math.min(parseLong(limit, "limit", config.replayMaxPage()), config.replayMaxPage());
        if (from < 0 || max < 1) {
            throw ProblemException.invalid("after must be >= 0 and limit >= 1");
        }
        StreamAccess owner = owner(name);
        return owner.authorize(caller.get(), name).chain(key -> reader.get().after(key, from, max).map(page -> {
            StreamPosition p = page.position();
            List<String> items = p.needsReset(from)
                    ? List.of(Json.string(reset(key, p)))
                    : boundedByBytes(page.envelopes(), config.replayMaxPageBytes().asLongValue());
            return "{\"items\":[" + String.join(",", items) + "],\"head\":" + p.head() + ",\"earliest\":"
                    + p.earliest() + "}";
        }));
    }

    /** The first envelopes whose bytes stay within {@code max}, at least one (the client pages on from its seq). */
    static List<String> boundedByBytes(List<String> envelopes, long max) {
        long bytes = 0;
        for (int i = 0; i < envelopes.size(); i++) {
            bytes += StreamLog.utf8Length(envelopes.get(i));
            if (bytes > max && i > 0) {
                return envelopes.subList(0, i);
            }
        }
        return envelopes;
    }

    /** The {@code reset} event of contract §2. */
    public static Envelope reset(StreamKey key, StreamPosition position) {
        return Envelope.ephemeral(key.name().wire(), EventTypes.RESET, Instant.now().truncatedTo(ChronoUnit.MILLIS),
                Map.of("earliest", position.earliest(), "head", position.head()));
    }

    private StreamAccess owner(StreamName name) {
        for (StreamAccess candidate : access) {
            if (candidate.owns(name)) {
                return candidate;
            }
        }
        throw ProblemException.notFound("stream");
    }

    private static StreamName parse(String stream) {
        try {
            return StreamName.parse(stream);
        } catch (InvalidStreamException e) {
            throw ProblemException.badRequest(ErrorCodes.STREAM_INVALID, e.getMessage());
        }
    }

    private static long parseLong(String value, String field, long fallback) {
        if (value == null || value.isEmpty()) {
            return fallback;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw ProblemException.invalid(field + " must be an integer");
        }
    }
}
