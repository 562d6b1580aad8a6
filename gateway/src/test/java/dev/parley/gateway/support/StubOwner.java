package dev.parley.gateway.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.parley.events.Envelope;
import dev.parley.events.InvalidStreamException;
import dev.parley.events.Json;
import dev.parley.events.KafkaHeaders;
import dev.parley.events.Service;
import dev.parley.events.StreamKey;
import dev.parley.events.StreamName;
import dev.parley.events.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;

/**
 * A small stand-in for the owning services (the real ones are built in parallel): the internal stream API
 * ({@code /internal/streams/{stream}} and {@code /events}) from an in-memory log with membership and tenant checks,
 * an echo of every {@code /api/**} request for the proxy tests, and a relay that publishes appended events to
 * Kafka exactly as the platform's relay does (key = stream key, value = envelope JSON, parley-* headers).
 * Two listeners: {@link #port()} for presence/channel/rooms, {@link #sessionsPort()} for sessions (stoppable).
 */
public final class StubOwner {

    private static StubOwner shared;

    private final Map<String, List<String>> log = new ConcurrentHashMap<>();
    private final Map<String, Long> earliest = new ConcurrentHashMap<>();
    /** members of a room/session by stream key value ({@code tenant/room:<id>}). */
    private final Map<String, Set<String>> members = new ConcurrentHashMap<>();
    private final KafkaProducer<String, byte[]> producer;
    private final Topics topics = new Topics("");
    private final HttpServer main;
    private volatile HttpServer sessions;
    private final int sessionsPort;

    private StubOwner(String bootstrap) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
        main = server(0);
        sessions = server(0);
        sessionsPort = sessions.getAddress().getPort();
    }

    public static synchronized StubOwner shared(String bootstrap) {
        if (shared == null) {
            shared = new StubOwner(bootstrap);
        }
        return shared;
    }

    public static StubOwner get() {
        return shared;
    }

    public int port() {
        return main.getAddress().getPort();
    }

    public int sessionsPort() {
        return sessionsPort;
    }

    public synchronized void stopSessions() {
        sessions.stop(0);
    }

    public synchronized void startSessions() {
        sessions = server(sessionsPort);
    }

    private HttpServer server(int port) {
        try {
            HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 256);
            s.setExecutor(Executors.newFixedThreadPool(8, r -> {
                Thread t = new Thread(r, "stub-owner");
                t.setDaemon(true);
                return t;
            }));
            s.createContext("/", this::handle);
            s.start();
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- test API ------------------------------------------------------------------------------------------

    /** Makes {@code refs} the members of a room or session of a tenant. */
    public void members(String tenant, StreamName stream, String... refs) {
        members.put(StreamKey.of(tenant, stream).value(), ConcurrentHashMap.newKeySet());
        members.get(StreamKey.of(tenant, stream).value()).addAll(List.of(refs));
    }

    public void removeMember(String tenant, StreamName stream, String ref) {
        members.getOrDefault(StreamKey.of(tenant, stream).value(), Set.of()).remove(ref);
    }

    /** Appends a durable event (next seq) and publishes it like the relay; returns the envelope. */
    public synchronized Envelope append(StreamKey key, String type, Object data) {
        List<String> events = log.computeIfAbsent(key.value(), k -> new ArrayList<>());
        Envelope envelope = Envelope.durable(key.name().wire(), events.size() + 1, type,
                Instant.now().truncatedTo(ChronoUnit.MILLIS), data);
        events.add(Json.string(envelope));
        publish(topics.events(key.name().owner()), key.value(), envelope, null);
        return envelope;
    }

    /** Appends to the log without publishing (an event the live tail lost: gap-fill tests). */
    public synchronized Envelope appendUnpublished(StreamKey key, String type, Object data) {
        List<String> events = log.computeIfAbsent(key.value(), k -> new ArrayList<>());
        Envelope envelope = Envelope.durable(key.name().wire(), events.size() + 1, type,
                Instant.now().truncatedTo(ChronoUnit.MILLIS), data);
        events.add(Json.string(envelope));
        return envelope;
    }

    /** Trims the log: positions before {@code keepFrom} answer a reset. */
    public void trim(StreamKey key, long keepFrom) {
        earliest.put(key.value(), keepFrom);
    }

    public void publishEphemeral(StreamKey key, Envelope envelope, String origin) {
        publish(topics.ephemeral(), key.value(), envelope, origin);
    }

    public void publishPresenceChange(String tenant, String ref, Envelope envelope) {
        publish(topics.presenceChanges(), tenant + "/" + ref, envelope, null);
    }

    private void publish(String topic, String key, Envelope envelope, String origin) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, Json.bytes(envelope));
        KafkaHeaders.put(record.headers(), KafkaHeaders.TYPE, envelope.type());
        KafkaHeaders.put(record.headers(), KafkaHeaders.SEQ, envelope.seq() == null ? null : envelope.seq().toString());
        KafkaHeaders.put(record.headers(), KafkaHeaders.ORIGIN, origin);
        try {
            producer.send(record).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- HTTP --------------------------------------------------------------------------------------------------

    private record Caller(String tenant, String sub, String app) {
        String ref() {
            return app == null ? "user:" + sub : null;
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            Caller caller = caller(exchange.getRequestHeaders().getFirst("Authorization"));
            if (path.startsWith("/internal/streams/")) {
                if (caller == null) {
                    respond(exchange, 401, problem(401, "auth.unauthorized"));
                    return;
                }
                internal(exchange, caller, path.substring("/internal/streams/".length()));
                return;
            }
            if (path.equals("/api/channel/problem")) {
                respond(exchange, 422, problem(422, "message.too_long"));
                return;
            }
            // echo for proxy tests: streams the body through, counting bytes
            long bytes = 0;
            try (InputStream in = exchange.getRequestBody()) {
                byte[] buffer = new byte[64 * 1024];
                int n;
                while ((n = in.read(buffer)) > 0) {
                    bytes += n;
                }
            }
            ObjectNode echo = Json.MAPPER.createObjectNode()
                    .put("method", exchange.getRequestMethod())
                    .put("path", path)
                    .put("query", exchange.getRequestURI().getRawQuery())
                    .put("authorization", exchange.getRequestHeaders().getFirst("Authorization"))
                    .put("bytes", bytes)
                    .put("port", exchange.getLocalAddress().getPort());
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            byte[] body = Json.bytes(echo);
            exchange.sendResponseHeaders(exchange.getRequestMethod().equals("POST") ? 201 : 200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        } catch (RuntimeException e) {
            respond(exchange, 500, problem(500, "internal.error"));
        }
    }

    private void internal(HttpExchange exchange, Caller caller, String rest) throws IOException {
        boolean events = rest.endsWith("/events");
        String wire = URLDecoder.decode(events ? rest.substring(0, rest.length() - "/events".length()) : rest,
                StandardCharsets.UTF_8);
        StreamName name;
        StreamKey key;
        try {
            name = StreamName.parse(wire);
            key = StreamKey.forCaller(caller.tenant(), name, caller.ref(), caller.app());
        } catch (InvalidStreamException e) {
            respond(exchange, 400, problem(400, "stream.invalid"));
            return;
        }
        if (!visible(caller, key)) {
            respond(exchange, 404, problem(404, "request.not_found"));
            return;
        }
        List<String> stream = log.getOrDefault(key.value(), List.of());
        long head;
        List<String> items;
        synchronized (this) {
            head = stream.size();
            items = new ArrayList<>(stream);
        }
        long first = earliest.getOrDefault(key.value(), 1L);
        if (!events) {
            String latest = "[]";
            if (name.kind() == StreamName.Kind.PRESENCE) {
                latest = "[" + Json.string(Envelope.ephemeral("presence", "presence.snapshot",
                        Instant.now().truncatedTo(ChronoUnit.MILLIS), Map.of("items", List.of()))) + "]";
            }
            String h = name.durable() ? Long.toString(head) : "null";
            String ea = name.durable() ? Long.toString(first) : "null";
            respond(exchange, 200, "{\"stream\":" + Json.string(name.wire()) + ",\"head\":" + h + ",\"earliest\":"
                    + ea + ",\"latest\":" + latest + "}");
            return;
        }
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        long after = Long.parseLong(query.getOrDefault("after", "0"));
        int limit = Math.min(Integer.parseInt(query.getOrDefault("limit", "100")), 100);
        List<String> page = new ArrayList<>();
        if (after + 1 < first) {
            page.add(Json.string(Envelope.ephemeral(name.wire(), "reset", Instant.now().truncatedTo(ChronoUnit.MILLIS),
                    Map.of("earliest", first, "head", head))));
        } else {
            for (long seq = after + 1; seq <= head && page.size() < limit; seq++) {
                page.add(items.get((int) seq - 1));
            }
        }
        respond(exchange, 200, "{\"items\":[" + String.join(",", page) + "],\"head\":" + head + ",\"earliest\":"
                + first + "}");
    }

    private boolean visible(Caller caller, StreamKey key) {
        return switch (key.name().kind()) {
            case CHANNEL, PRESENCE, ME, INBOX -> true;
            case ROOM, SESSION -> {
                Set<String> refs = members.get(key.value());
                if (refs == null) {
                    yield false;
                }
                if (caller.app() != null) {
                    yield refs.stream().anyMatch(r -> r.startsWith(caller.app() + ":"));
                }
                yield refs.contains(caller.ref());
            }
        };
    }

    private static Caller caller(String authorization) {
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            return null;
        }
        String[] parts = authorization.substring(7).split("\\.");
        if (parts.length < 2) {
            return null;
        }
        JsonNode claims = Json.read(Base64.getUrlDecoder().decode(parts[1]), JsonNode.class);
        return new Caller(claims.path("tenant_id").asText(), claims.path("sub").asText(),
                claims.hasNonNull("app_id") ? claims.get("app_id").asText() : null);
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    out.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return out;
    }

    private static String problem(int status, String code) {
        return "{\"status\":" + status + ",\"code\":\"" + code + "\",\"title\":\"x\"}";
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", status >= 400 ? "application/problem+json"
                : "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** The events topic a stream's owner publishes to. */
    public Topics topics() {
        return topics;
    }

    public static Service owner(StreamName name) {
        return name.owner();
    }

    public static StreamName room(UUID id) {
        return StreamName.room(id);
    }
}
