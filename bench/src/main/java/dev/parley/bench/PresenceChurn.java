package dev.parley.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;

/**
 * B4 presence churn: --members (default 5,000) members, 2 WebSocket connections each for the connected ones; every
 * second 5 % of the connections churn — half of that closes both connections of connected members, half opens two
 * connections for members that are offline. A watcher subscribed to {@code presence} timestamps each
 * {@code presence.changed}: online latency = event − first connect; offline latency = event − (close +
 * {@code --grace}, the service's offline-grace, 30 s), i.e. how late beyond the grace the change is announced.
 */
final class PresenceChurn {

    private PresenceChurn() {
    }

    static int run(Map<String, String> o, Path home, Path reports, String command) throws Exception {
        int members = Bench.intOpt(o, "members", 5000);
        int duration = Bench.intOpt(o, "duration", 60);
        double churn = Double.parseDouble(o.getOrDefault("churn", "0.05"));
        long graceNanos = Bench.intOpt(o, "grace", 30) * 1_000_000_000L;
        List<ProcStats.Group> stack = ProcStats.stackGroups(home);
        if (stack.stream().noneMatch(g -> g.name().equals("gateway") && ProcStats.alive(g.rootPid()))) {
            System.err.println("no running gateway recorded in " + home.resolve("run") + " — run ./parley up");
            return 1;
        }
        Properties sp = Bench.stackProperties(home);
        int port = Integer.parseInt(sp.getProperty("gateway-port", "8080"));
        String machine = Report.machine(command, stack);
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(Bench.intOpt(o, "loops", 2)));
        Clients clients = new Clients(vertx, 2, 2 * members + 10, 20);
        Stats stats = new Stats();
        ParleyTarget parley = new ParleyTarget(clients, "127.0.0.1", port, o.getOrDefault("tenant", "bench"), stack,
                stats);
        String prefix = "m" + (System.currentTimeMillis() / 1000 % 100000) + "-";
        List<String> users = new ArrayList<>();
        for (int i = 0; i < members; i++) {
            users.add(prefix + i);
        }
        users.add("watcher");
        ConcurrentHistogram online = new ConcurrentHistogram(3);
        ConcurrentHistogram offline = new ConcurrentHistogram(3);
        AtomicLongArray connectAt = new AtomicLongArray(members);
        AtomicLongArray closeAt = new AtomicLongArray(members);
        WebSocket[][] conns = new WebSocket[members][2];
        ConcurrentLinkedQueue<Integer> offlinePool = new ConcurrentLinkedQueue<>();
        List<Integer> connected = new ArrayList<>();
        LongAdder changes = new LongAdder();
        LongAdder opened = new LongAdder();
        LongAdder failedOpens = new LongAdder();
        List<Long> timers = new ArrayList<>();
        try {
            Fanout.log("b4: tokens for %d members", members);
            parley.fetchTokens(users);
            // the watcher
            Promise<Void> watching = Promise.promise();
            clients.stream().webSocket(wsOptions(port, parley.token("watcher"))).onFailure(watching::tryFail)
                    .onSuccess(ws -> {
                        ws.textMessageHandler(text -> {
                            if (text.startsWith("{\"op\":\"subscribed\"")) {
                                watching.tryComplete();
                                return;
                            }
                            if (!text.contains("presence.changed")) {
                                return;
                            }
                            long now = System.nanoTime();
                            int r = text.indexOf("\"ref\":\"user:" + prefix);
                            if (r < 0) {
                                return;
                            }
                            int idx = (int) Sub.longAfter(text.substring(r), "\"ref\":\"user:" + prefix);
                            if (idx < 0 || idx >= members) {
                                return;
                            }
                            changes.increment();
                            if (text.contains("\"status\":\"online\"")) {
                                long c = connectAt.getAndSet(idx, 0);
                                if (c > 0 && c >= stats.windowStart) {
                                    online.recordValue(Math.max(0, (now - c) / 1000));
                                }
                            } else if (text.contains("\"status\":\"offline\"")) {
                                long c = closeAt.getAndSet(idx, 0);
                                if (c > 0) {
                                    if (c >= stats.windowStart) {
                                        offline.recordValue(Math.max(0, (now - c - graceNanos) / 1000));
                                    }
                                    offlinePool.add(idx);
                                }
                            }
                        });
                        ws.writeTextMessage("{\"op\":\"subscribe\",\"stream\":\"presence\"}");
                    });
            ParleyTarget.await(watching.future(), 60);
            // two thirds connected (2 connections each), one third offline
            int initially = members * 2 / 3;
            for (int i = initially; i < members; i++) {
                offlinePool.add(i);
            }
            List<Future<Void>> batch = new ArrayList<>();
            for (int i = 0; i < initially; i++) {
                batch.add(open(clients, port, parley.token(prefix + i), conns, i, opened, failedOpens));
                connected.add(i);
                if (batch.size() >= 200) {
                    ParleyTarget.await(Future.all(batch), 120);
                    batch.clear();
                }
            }
            ParleyTarget.await(Future.all(batch), 120);
            Fanout.log("b4: %d members connected (%d connections); churning %.0f %%/s for %d s", initially,
                    2 * initially, churn * 100, duration);
            Thread.sleep(5000); // let the initial online events pass
            stats.windowStart = System.nanoTime();
            int perSecond = Math.max(1, (int) Math.round(churn * 2 * initially / 4)); // members per direction
            long end = System.nanoTime() + duration * 1_000_000_000L;
            while (System.nanoTime() < end) {
                long tick = System.nanoTime();
                for (int k = 0; k < perSecond && !connected.isEmpty(); k++) {
                    int idx = connected.remove(ThreadLocalRandom.current().nextInt(connected.size()));
                    closeAt.set(idx, System.nanoTime());
                    for (WebSocket ws : conns[idx]) {
                        if (ws != null) {
                            ws.close();
                        }
                    }
                }
                for (int k = 0; k < perSecond; k++) {
                    Integer idx = offlinePool.poll();
                    if (idx == null) {
                        break;
                    }
                    connectAt.set(idx, System.nanoTime());
                    open(clients, port, parley.token(prefix + idx), conns, idx, opened, failedOpens);
                    connected.add(idx);
                }
                long sleep = 1000 - (System.nanoTime() - tick) / 1_000_000;
                if (sleep > 0) {
                    Thread.sleep(sleep);
                }
            }
            stats.windowEnd = System.nanoTime();
            Thread.sleep(Math.min(graceNanos / 1_000_000 + 5000, 40_000)); // the last offline changes
            Report report = new Report("B4 — presence churn: " + members + " members × 2 connections, "
                    + Report.f0(churn * 100) + " % of connections churning per second");
            report.line(machine);
            report.line("Two thirds of the members start connected (2 WebSocket connections each), one third offline. "
                    + "Every second " + perSecond + " connected members close both connections and " + perSecond
                    + " offline members open two (≈ " + Report.f0(churn * 100) + " % of the connections), for "
                    + duration + " s. A watcher subscribed to `presence` timestamps `presence.changed`. Online latency = "
                    + "event − connect; offline latency = event − (close + offline-grace " + graceNanos / 1_000_000_000L
                    + " s), i.e. lateness beyond the grace the API promises.\n");
            report.table(List.of("measure", "value"), List.of(
                    List.of("connections opened (failed)", opened.sum() + " (" + failedOpens.sum() + ")"),
                    List.of("presence.changed seen for bench members", String.valueOf(changes.sum())),
                    List.of("online changes measured", String.valueOf(online.getTotalCount())),
                    List.of("**connect → online p50 / p99 / max**", "**" + Stats.ms(online, 50) + " / "
                            + Stats.ms(online, 99) + " / " + Stats.ms(online, 100) + " ms**"),
                    List.of("offline changes measured", String.valueOf(offline.getTotalCount())),
                    List.of("**close + grace → offline p50 / p99 / max**", "**" + Stats.ms(offline, 50) + " / "
                            + Stats.ms(offline, 99) + " / " + Stats.ms(offline, 100) + " ms**")));
            report.line("### Targets (issue #10)\n");
            report.table(List.of("target", "goal", "measured", "met"), List.of(
                    List.of("p99 connection change → presence.changed (online)", "≤ 500 ms", Stats.ms(online, 99)
                            + " ms", Bench.yes(online.getTotalCount() > 0 && online.getValueAtPercentile(99) <= 500_000)),
                    List.of("p99 beyond the grace (offline)", "≤ 500 ms", Stats.ms(offline, 99) + " ms",
                            Bench.yes(offline.getTotalCount() > 0 && offline.getValueAtPercentile(99) <= 500_000))));
            Path file = report.write(reports, o.getOrDefault("label", "b4-" + members + "members"));
            System.out.println(report);
            System.out.println("report: " + file);
            return 0;
        } finally {
            timers.forEach(vertx::cancelTimer);
            clients.close();
            vertx.close();
        }
    }

    private static WebSocketConnectOptions wsOptions(int port, String token) {
        return new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/api/ws")
                .setSubProtocols(List.of("parley.v1", "bearer." + token)).setTimeout(60_000)
                .setAllowOriginHeader(false);
    }

    private static Future<Void> open(Clients clients, int port, String token, WebSocket[][] conns, int idx,
                                     LongAdder opened, LongAdder failed) {
        List<Future<WebSocket>> fs = new ArrayList<>();
        for (int c = 0; c < 2; c++) {
            final int slot = c;
            fs.add(clients.stream().webSocket(wsOptions(port, token)).onSuccess(ws -> {
                conns[idx][slot] = ws;
                opened.increment();
            }).onFailure(e -> failed.increment()));
        }
        return Future.all(fs).mapEmpty();
    }
}
