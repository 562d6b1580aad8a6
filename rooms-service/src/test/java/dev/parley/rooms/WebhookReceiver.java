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
 * and then 204, {@code /down} always 503, {@code /fast} 204, {@code /hang} never answers (the dispatcher's timeout
 * ends each try), {@code /slow} 204 after {@value #SLOW_MS} ms (and counts deliveries in progress twice at once).
 * Every request is recorded on arrival (a hang's status as 0). Requests are served on a pool of threads, so a
 * hanging one holds up no other. Configures six targets of tenant {@value #TENANT}: apps {@code okapp},
 * {@code flaky}, {@code down}, {@code fastapp}, {@code hangapp}, {@code slowapp}.
 */
@QuarkusTestResource(WebhookReceiver.class)
public class WebhookReceiver implements QuarkusTestResourceLifecycleManager {

    static final String TENANT = "hooks";
    static final String SECRET = "test-secret";

    record Received(String path, Map<String, List<String>> headers, byte[] body, int status) {
    }

    static final List<Received> RECEIVED = new CopyOnWriteArrayList<>();
    static final long SLOW_MS = 150;
    /** {@code X-Parley-Delivery} of a {@code /slow} request that arrived while the same one was in progress. */
    static final List<String> OVERLAPS = new CopyOnWriteArrayList<>();
    private static final Map<String, AtomicInteger> CALLS = new ConcurrentHashMap<>();
    private static final Map<String, AtomicInteger> IN_PROGRESS = new ConcurrentHashMap<>();
    private final List<com.sun.net.httpserver.HttpExchange> hanging = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.ScheduledExecutorService later =
            java.util.concurrent.Executors.newScheduledThreadPool(2);
    private HttpServer server;

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.createContext("/hang", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            RECEIVED.add(new Received("/hang", Map.copyOf(exchange.getRequestHeaders()), body, 0));
            hanging.add(exchange); // never answered; closed when the server stops
        });
        server.createContext("/slow", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String delivery = exchange.getRequestHeaders().getFirst("X-Parley-Delivery");
            if (IN_PROGRESS.computeIfAbsent(delivery, d -> new AtomicInteger()).incrementAndGet() > 1) {
                OVERLAPS.add(delivery);
            }
            RECEIVED.add(new Received("/slow", Map.copyOf(exchange.getRequestHeaders()), body, 204));
            later.schedule(() -> {
                IN_PROGRESS.get(delivery).decrementAndGet();
                try {
                    exchange.sendResponseHeaders(204, -1);
                } catch (IOException e) {
                    // the client gave up
                }
                exchange.close();
            }, SLOW_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
        });
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            int call = CALLS.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
            int status = switch (path) {
                case "/ok", "/fast" -> 204;
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
        for (String[] target : new String[][]{{"ok", "okapp"}, {"flaky", "flaky"}, {"down", "down"},
                {"fast", "fastapp"}, {"hang", "hangapp"}, {"slow", "slowapp"}}) {
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
        hanging.forEach(com.sun.net.httpserver.HttpExchange::close);
        later.shutdownNow();
        if (server != null) {
            server.stop(0);
        }
    }
}
