package dev.parley.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A real WebSocket client (java.net.http) that records every text frame as parsed JSON and the close code.
 * Tests wait on it with Awaitility: {@code await().until(() -> ws.frames().size() >= 3)}.
 */
public final class WsTestClient implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<JsonNode> frames = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final WebSocket socket;
    private volatile boolean pauseReading;

    private WsTestClient(URI uri, Map<String, String> headers, List<String> subprotocols) {
        WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(10));
        headers.forEach(builder::header);
        if (!subprotocols.isEmpty()) {
            builder.subprotocols(subprotocols.get(0), subprotocols.subList(1, subprotocols.size())
                    .toArray(String[]::new));
        }
        this.socket = builder.buildAsync(uri, new Listener()).orTimeout(15, TimeUnit.SECONDS).join();
    }

    /** Opens a socket; a refused upgrade surfaces as a {@link java.util.concurrent.CompletionException}. */
    public static WsTestClient connect(URI uri, Map<String, String> headers, String... subprotocols) {
        return new WsTestClient(uri, headers, List.of(subprotocols));
    }

    public WsTestClient send(String text) {
        socket.sendText(text, true).orTimeout(10, TimeUnit.SECONDS).join();
        return this;
    }

    public WsTestClient sendJson(Object value) {
        try {
            return send(JSON.writeValueAsString(value));
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Every text frame received so far, in order. */
    public List<JsonNode> frames() {
        return List.copyOf(frames);
    }

    public List<JsonNode> frames(Predicate<JsonNode> filter) {
        return frames.stream().filter(filter).toList();
    }

    /** Event envelopes of one type. */
    public List<JsonNode> events(String type) {
        return frames(f -> type.equals(f.path("type").asText(null)));
    }

    public boolean isClosed() {
        return closed.isDone();
    }

    /** The close code the server sent, or null while open. */
    public Integer closeCode() {
        return closed.getNow(null);
    }

    /** Stop requesting frames: the server's writes back up (slow-consumer tests). */
    public void stopReading() {
        pauseReading = true;
    }

    public String subprotocol() {
        return socket.getSubprotocol();
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
        socket.abort();
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                try {
                    frames.add(JSON.readTree(text));
                } catch (Exception e) {
                    frames.add(JSON.getNodeFactory().textNode(text));
                }
            }
            if (!pauseReading) {
                webSocket.request(1);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete(-1);
        }
    }
}
