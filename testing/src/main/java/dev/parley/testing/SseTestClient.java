package dev.parley.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A real Server-Sent Events client over java.net.http that parses the event stream format ({@code id:},
 * {@code event:}, {@code data:}, comments) and speaks {@code Last-Event-ID} like a browser's EventSource.
 */
public final class SseTestClient implements AutoCloseable {

    /** One received event: its id (the seq for durable events), type, and the data parsed as JSON. */
    public record Event(String id, String type, JsonNode data) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final List<String> comments = new CopyOnWriteArrayList<>();
    private final int status;
    private final Map<String, List<String>> headers;
    private final String body;
    private final Thread reader;
    private final InputStream stream;
    private volatile boolean ended;
    private volatile String lastEventId;

    private SseTestClient(URI uri, Map<String, String> requestHeaders) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET().header("Accept", "text/event-stream");
        requestHeaders.forEach(request::header);
        HttpResponse<InputStream> response = HTTP.sendAsync(request.build(), HttpResponse.BodyHandlers.ofInputStream())
                .orTimeout(15, TimeUnit.SECONDS).join();
        this.status = response.statusCode();
        this.headers = response.headers().map();
        this.stream = response.body();
        if (status != 200) {
            String text;
            try (InputStream in = stream) {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (Exception e) {
                text = "";
            }
            this.body = text;
            this.ended = true;
            this.reader = null;
            return;
        }
        this.body = null;
        this.reader = Thread.ofVirtual().name("sse-test-client").start(this::read);
    }

    public static SseTestClient open(URI uri, Map<String, String> headers) {
        return new SseTestClient(uri, headers);
    }

    /** Opens the same URI again with {@code Last-Event-ID} set to the last id seen, as EventSource does. */
    public SseTestClient reconnect(URI uri, Map<String, String> headers) {
        close();
        Map<String, String> withId = new java.util.HashMap<>(headers);
        if (lastEventId != null) {
            withId.put("Last-Event-ID", lastEventId);
        }
        return new SseTestClient(uri, withId);
    }

    public int status() {
        return status;
    }

    public String header(String name) {
        List<String> values = headers.get(name.toLowerCase());
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** The body of a refused stream (a problem+json document). */
    public String errorBody() {
        return body;
    }

    public List<Event> events() {
        return List.copyOf(events);
    }

    public List<Event> events(String type) {
        return events.stream().filter(e -> type.equals(e.type())).toList();
    }

    public List<Event> events(Predicate<Event> filter) {
        return events.stream().filter(filter).toList();
    }

    public List<String> comments() {
        return List.copyOf(comments);
    }

    public String lastEventId() {
        return lastEventId;
    }

    /** True once the server ended the stream (or it was refused). */
    public boolean ended() {
        return ended;
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            String id = null;
            String type = null;
            StringBuilder data = new StringBuilder();
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isEmpty()) {
                    if (data.length() > 0) {
                        String text = data.substring(0, data.length() - 1);
                        JsonNode node;
                        try {
                            node = JSON.readTree(text);
                        } catch (Exception e) {
                            node = JSON.getNodeFactory().textNode(text);
                        }
                        if (id != null) {
                            lastEventId = id;
                        }
                        events.add(new Event(id, type == null ? "message" : type, node));
                    }
                    id = null;
                    type = null;
                    data.setLength(0);
                } else if (line.startsWith(":")) {
                    comments.add(line.substring(1).trim());
                } else {
                    int colon = line.indexOf(':');
                    String field = colon < 0 ? line : line.substring(0, colon);
                    String value = colon < 0 ? "" : line.substring(colon + 1);
                    if (value.startsWith(" ")) {
                        value = value.substring(1);
                    }
                    switch (field) {
                        case "id" -> id = value;
                        case "event" -> type = value;
                        case "data" -> data.append(value).append('\n');
                        default -> {
                        }
                    }
                }
            }
        } catch (Exception e) {
            // the stream was closed by us or cut by the server: both end it
        } finally {
            ended = true;
        }
    }

    @Override
    public void close() {
        try {
            stream.close();
        } catch (Exception ignored) {
            // closing a cut stream
        }
    }
}
