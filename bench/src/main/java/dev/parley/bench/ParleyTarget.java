package dev.parley.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Parley through its gateway: tokens from {@code POST /dev/token}, rooms by REST, subscribers on {@code /api/ws}
 * (subprotocol {@code parley.v1} + {@code bearer.<jwt>}) or SSE {@code /api/agent-rooms/{id}/stream?after=<head>},
 * posts {@code POST /api/agent-rooms/{id}/messages}.
 */
final class ParleyTarget implements Target {

    static final ObjectMapper JSON = new ObjectMapper();

    private final Clients clients;
    private final String host;
    private final int port;
    private final String tenant;
    private final List<ProcStats.Group> stack;
    private final Stats stats;
    final ConcurrentHashMap<String, String> tokens = new ConcurrentHashMap<>();
    String[] roomIds;
    long[] heads;

    ParleyTarget(Clients clients, String host, int port, String tenant, List<ProcStats.Group> stack, Stats stats) {
        this.clients = clients;
        this.host = host;
        this.port = port;
        this.tenant = tenant;
        this.stack = stack;
        this.stats = stats;
    }

    @Override
    public String name() {
        return "parley";
    }

    static String subUser(int room, int i) {
        return "s" + room + "-" + i;
    }

    static String postUser(int room, int i) {
        return "p" + room + "-" + i;
    }

    @Override
    public void setup(String runId, int rooms, int subsPerRoom, int postersPerRoom) throws Exception {
        List<String> users = new ArrayList<>();
        for (int r = 0; r < rooms; r++) {
            for (int i = 0; i < subsPerRoom; i++) {
                users.add(subUser(r, i));
            }
            for (int i = 0; i < postersPerRoom; i++) {
                users.add(postUser(r, i));
            }
        }
        fetchTokens(users);
        roomIds = new String[rooms];
        heads = new long[rooms];
        List<Future<?>> batch = new ArrayList<>();
        for (int r = 0; r < rooms; r++) {
            final int room = r;
            ObjectNode body = JSON.createObjectNode();
            body.put("name", runId + "-" + r);
            ArrayNode members = body.putArray("members");
            List<String> refs = new ArrayList<>();
            for (int i = 0; i < subsPerRoom; i++) {
                refs.add("user:" + subUser(r, i));
            }
            for (int i = 1; i < postersPerRoom; i++) {
                refs.add("user:" + postUser(r, i));
            }
            // the whole roster in the create (rooms-service writes it in a few statements, ADR 0044)
            refs.forEach(members::add);
            batch.add(request(HttpMethod.POST, "/api/agent-rooms", token(postUser(r, 0)), body.toString())
                    .map(resp -> {
                        roomIds[room] = resp.get("id").asText();
                        return null;
                    }));
            if (batch.size() >= 20) {
                await(Future.all(batch), 120);
                batch.clear();
            }
        }
        await(Future.all(batch), 120);
    }

    String token(String user) {
        return tokens.get(user);
    }

    void fetchTokens(List<String> users) throws Exception {
        List<Future<?>> batch = new ArrayList<>();
        for (String u : users) {
            if (tokens.containsKey(u)) {
                continue;
            }
            ObjectNode body = JSON.createObjectNode().put("tenant", tenant).put("user", u).put("name", u.toUpperCase());
            batch.add(request(HttpMethod.POST, "/dev/token", null, body.toString())
                    .map(t -> tokens.put(u, t.get("access_token").asText())));
            if (batch.size() >= 50) {
                await(Future.all(batch), 120);
                batch.clear();
            }
        }
        await(Future.all(batch), 120);
    }

    /** A JSON request on the post client; fails on a non-2xx status. */
    Future<JsonNode> request(HttpMethod method, String uri, String token, String body) {
        RequestOptions o = new RequestOptions().setMethod(method).setHost(host).setPort(port).setURI(uri)
                .putHeader("Content-Type", "application/json").setTimeout(60_000);
        if (token != null) {
            o.putHeader("Authorization", "Bearer " + token);
        }
        return clients.posts.request(o)
                .compose(req -> body == null ? req.send() : req.send(body))
                .compose(resp -> resp.body().compose(b -> {
                    if (resp.statusCode() / 100 != 2) {
                        return Future.failedFuture(method + " " + uri + " → " + resp.statusCode() + " " + b);
                    }
                    try {
                        return Future.succeededFuture(b.length() == 0 ? null : JSON.readTree(b.getBytes()));
                    } catch (Exception e) {
                        return Future.failedFuture(e);
                    }
                }));
    }

    static <T> T await(Future<T> f, int seconds) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
    }

    @Override
    public Future<Void> connect(Sub sub) {
        return connect(sub, port, -1, null);
    }

    /**
     * Opens the subscriber's stream on the gateway at {@code gatewayPort}: live from the head when {@code after < 0},
     * else resuming after that seq (WS {@code after}, SSE {@code Last-Event-ID}); {@code onClose} runs when the
     * server ends it. Completes when the subscription is established (WS {@code subscribed}, SSE 200).
     */
    Future<Void> connect(Sub sub, int gatewayPort, long after, Runnable onClose) {
        String token = token(subUser(sub.room, sub.user));
        String stream = "room:" + roomIds[sub.room];
        HttpClient client = clients.stream();
        Runnable closed = () -> {
            boolean was = sub.open;
            sub.open = false;
            if (was && onClose != null) {
                onClose.run();
            }
        };
        if (!sub.sse) {
            Promise<Void> ready = Promise.promise();
            WebSocketConnectOptions o = new WebSocketConnectOptions().setHost(host).setPort(gatewayPort)
                    .setURI("/api/ws").setSubProtocols(List.of("parley.v1", "bearer." + token)).setTimeout(60_000)
                    .setAllowOriginHeader(false); // a non-browser client: no Origin (API.md §2)
            client.webSocket(o).onFailure(ready::tryFail).onSuccess(ws -> {
                sub.open = true;
                ws.closeHandler(v -> closed.run());
                ws.exceptionHandler(e -> closed.run());
                ws.textMessageHandler(text -> {
                    if (text.startsWith("{\"op\"")) {
                        if (text.startsWith("{\"op\":\"subscribed\"")) {
                            long head = Sub.longAfter(text, "\"head\":");
                            if (sub.base < 0) {
                                sub.base = head;
                            }
                            if (after < 0) {
                                heads[sub.room] = head;
                            }
                            ready.tryComplete();
                        } else if (text.startsWith("{\"op\":\"error\"")) {
                            sub.open = false;
                            ws.close();
                            ready.tryFail(text);
                        }
                        return;
                    }
                    sub.onEnvelope(text, stats);
                });
                ws.writeTextMessage("{\"op\":\"subscribe\",\"stream\":\"" + stream + "\""
                        + (after >= 0 ? ",\"after\":" + after : "") + "}");
            });
            return ready.future();
        }
        long from = after >= 0 ? after : heads[sub.room];
        if (sub.base < 0) {
            sub.base = from;
        }
        RequestOptions o = new RequestOptions().setMethod(HttpMethod.GET).setHost(host).setPort(gatewayPort)
                .setURI("/api/agent-rooms/" + roomIds[sub.room] + "/stream")
                .putHeader("Last-Event-ID", String.valueOf(from))
                .putHeader("Authorization", "Bearer " + token).putHeader("Accept", "text/event-stream");
        return client.request(o).compose(req -> req.send()).compose(resp -> {
            if (resp.statusCode() != 200) {
                return resp.body().compose(b -> Future.failedFuture("SSE " + resp.statusCode() + " " + b));
            }
            sub.open = true;
            StringBuilder carry = new StringBuilder();
            resp.handler(buf -> onSse(sub, carry, buf));
            resp.endHandler(v -> closed.run());
            resp.exceptionHandler(e -> closed.run());
            resp.request().connection().closeHandler(v -> closed.run());
            return Future.succeededFuture();
        });
    }

    private void onSse(Sub sub, StringBuilder carry, Buffer buf) {
        carry.append(buf.toString());
        int start = 0;
        int nl;
        while ((nl = carry.indexOf("\n", start)) >= 0) {
            if (nl - start > 5 && carry.charAt(start) == 'd' && carry.charAt(start + 4) == ':') {
                sub.onEnvelope(carry.substring(start + 5, nl), stats);
            }
            start = nl + 1;
        }
        carry.delete(0, start);
    }

    @Override
    public Future<Long> post(int room, int poster, String body) {
        RequestOptions o = new RequestOptions().setMethod(HttpMethod.POST).setHost(host).setPort(port)
                .setURI("/api/agent-rooms/" + roomIds[room] + "/messages").setTimeout(30_000)
                .putHeader("Content-Type", "application/json")
                .putHeader("Authorization", "Bearer " + token(postUser(room, poster)));
        return clients.posts.request(o).compose(req -> req.send(body)).compose(resp -> resp.body().compose(b -> {
            if (resp.statusCode() != 201) {
                return Future.failedFuture("HTTP " + resp.statusCode());
            }
            return Future.succeededFuture(Sub.longAfter(b.toString(), "\"seq\":"));
        }));
    }

    @Override
    public List<ProcStats.Group> serverGroups() {
        return stack.stream().filter(g -> g.name().startsWith("gateway")).toList();
    }

    @Override
    public List<ProcStats.Group> allGroups() {
        return stack;
    }

    @Override
    public void close() {
    }
}
