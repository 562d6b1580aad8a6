package dev.parley.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The reference: a plain Socket.IO server (bench/reference/server.js, in-memory adapter, started here as a child
 * process) that broadcasts the same envelope for the same posts. Subscribers speak Engine.IO v4 over WebSocket
 * (open {@code 0{...}} → {@code 40} → {@code 40{...}}, ping {@code 2} → pong {@code 3}, events {@code 42[...]}).
 */
final class ReferenceTarget implements Target {

    private final Clients clients;
    private final int port;
    private final Stats stats;
    private final Process node;
    private String[] roomIds;

    ReferenceTarget(Clients clients, Path referenceDir, int port, Stats stats) throws Exception {
        this.clients = clients;
        this.port = port;
        this.stats = stats;
        if (!Files.isDirectory(referenceDir.resolve("node_modules/socket.io"))) {
            throw new IllegalStateException("run " + referenceDir.resolve("install.sh") + " first (npm install)");
        }
        ProcessBuilder pb = new ProcessBuilder("node", "server.js").directory(referenceDir.toFile())
                .redirectErrorStream(true);
        pb.environment().put("PORT", String.valueOf(port));
        node = pb.start();
        Runtime.getRuntime().addShutdownHook(new Thread(node::destroy));
        BufferedReader out = new BufferedReader(new InputStreamReader(node.getInputStream()));
        String line = out.readLine();
        if (line == null || !line.startsWith("listening")) {
            node.destroy();
            throw new IllegalStateException("reference server did not start: " + line);
        }
        Thread drain = new Thread(() -> {
            try {
                while (out.readLine() != null) {
                    // discard
                }
            } catch (Exception e) {
                // closed
            }
        });
        drain.setDaemon(true);
        drain.start();
    }

    @Override
    public String name() {
        return "socket.io";
    }

    @Override
    public boolean supportsSse() {
        return false;
    }

    @Override
    public void setup(String runId, int rooms, int subsPerRoom, int postersPerRoom) {
        roomIds = new String[rooms];
        for (int r = 0; r < rooms; r++) {
            roomIds[r] = UUID.randomUUID().toString();
        }
    }

    @Override
    public Future<Void> connect(Sub sub) {
        sub.base = 0;
        Promise<Void> ready = Promise.promise();
        WebSocketConnectOptions o = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
                .setURI("/socket.io/?EIO=4&transport=websocket&room=" + roomIds[sub.room]).setTimeout(60_000)
                .setAllowOriginHeader(false);
        clients.stream().webSocket(o).onFailure(ready::tryFail).onSuccess(ws -> {
            sub.open = true;
            ws.closeHandler(v -> sub.open = false);
            // Engine.IO's open packet `0{...}` can arrive with the 101 answer, before this handler is set; so the
            // namespace CONNECT `40` is sent at once rather than in answer to it (the open packet is ignored)
            ws.writeTextMessage("40");
            ws.textMessageHandler(text -> {
                if (text.startsWith("42")) {
                    sub.onEnvelope(text, stats);
                } else if (text.equals("2")) {
                    ws.writeTextMessage("3");
                } else if (text.startsWith("40")) {
                    ready.tryComplete();
                } else if (text.startsWith("44")) {
                    ready.tryFail(text);
                }
            });
        });
        return ready.future();
    }

    @Override
    public Future<Long> post(int room, int poster, String body) {
        RequestOptions o = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
                .setURI("/rooms/" + roomIds[room] + "/messages").setTimeout(30_000)
                .putHeader("Content-Type", "application/json");
        return clients.posts.request(o).compose(req -> req.send(body)).compose(resp -> resp.body().compose(b ->
                resp.statusCode() != 201 ? Future.failedFuture("HTTP " + resp.statusCode())
                        : Future.succeededFuture(Sub.longAfter(b.toString(), "\"seq\":"))));
    }

    @Override
    public List<ProcStats.Group> serverGroups() {
        return allGroups();
    }

    @Override
    public List<ProcStats.Group> allGroups() {
        return List.of(new ProcStats.Group("socketio", node.pid()));
    }

    @Override
    public void close() {
        node.destroy();
        try {
            if (!node.waitFor(5, TimeUnit.SECONDS)) {
                node.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
