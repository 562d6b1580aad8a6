package dev.parley.rooms;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP endpoint for webhook tests, on a free port: {@code /ok} answers 204, {@code /flaky} answers 500 twice
 * and then 204, {@code /down} always 503. Every request is recorded. Configures three targets of tenant
 * {@value #TENANT}: apps {@code okapp}, {@code flaky}, {@code down}.
 */
@QuarkusTestResource(WebhookReceiver.class)
public class WebhookReceiver implements QuarkusTestResourceLifecycleManager {

    static final String TENANT = "hooks";
    static final String SECRET = "test-secret";

    record Received(String path, Map<String, List<String>> headers, byte[] body, int status) {
    }

    static final List<Received> RECEIVED = new CopyOnWriteArrayList<>();
    private static final Map<String, AtomicInteger> CALLS = new ConcurrentHashMap<>();
    private HttpServer server;

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            int call = CALLS.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
            int status = switch (path) {
                case "/ok" -> 204;
                case "/flaky" -> call <= 2 ? 500 : 204;
                default -> 503;
            };
            byte[] body = exchange.getRequestBody().readAllBytes();
            RECEIVED.add(new Received(path, Map.copyOf(exchange.getRequestHeaders()), body, status));
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        Map<String, String> config = new java.util.HashMap<>();
        for (String[] target : new String[][]{{"ok", "okapp"}, {"flaky", "flaky"}, {"down", "down"}}) {
            String prefix = "parley.rooms.webhooks.targets." + target[0] + ".";
            config.put(prefix + "tenant", TENANT);
            config.put(prefix + "app", target[1]);
            config.put(prefix + "url", base + "/" + target[0]);
            config.put(prefix + "secret", SECRET);
        }
        return config;
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }
}
