package dev.parley.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * B3 connection capacity: ramps idle WebSocket connections (each subscribed to the tenant channel, an app-level
 * {@code ping} every --keepalive s) on the devstack gateway up to --connections (default: the gateway's open-file
 * limit − 500), measures heap (after a full GC, from /q/metrics) and RSS growth per connection, the gateway's CPU
 * while all sit idle, then one channel post and the spread of its delivery over every connection.
 */
final class Capacity {

    private Capacity() {
    }

    static int run(Map<String, String> o, Path home, Path reports, String command) throws Exception {
        List<ProcStats.Group> stack = ProcStats.stackGroups(home);
        ProcStats.Group gw = stack.stream().filter(g -> g.name().equals("gateway") && ProcStats.alive(g.rootPid()))
                .findFirst().orElse(null);
        if (gw == null) {
            System.err.println("no running gateway recorded in " + home.resolve("run") + " — run ./parley up");
            return 1;
        }
        long pid = gw.rootPid();
        long fdLimit = openFileLimit(pid);
        int target = Bench.intOpt(o, "connections", (int) Math.max(100, fdLimit - 500));
        int keepalive = Bench.intOpt(o, "keepalive", 20);
        int idle = Bench.intOpt(o, "idle", 30);
        int perUser = 19; // the gateway allows 20 open streams per member and instance
        int users = (target + perUser - 1) / perUser;
        Properties sp = Bench.stackProperties(home);
        int port = Integer.parseInt(sp.getProperty("gateway-port", "8080"));
        int mgmt = Integer.parseInt(sp.getProperty("gateway-mgmt-port", "9080"));
        String machine = Report.machine(command, stack);

        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(Bench.intOpt(o, "loops", 2)));
        Clients clients = new Clients(vertx, Math.max(2, (target + 9_999) / 10_000), target + 10, 20);
        Stats stats = new Stats();
        ParleyTarget parley = new ParleyTarget(clients, "127.0.0.1", port, o.getOrDefault("tenant", "bench"), stack,
                stats);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < users; i++) {
            names.add("c" + i);
        }
        Fanout.log("b3: tokens for %d members", users);
        parley.fetchTokens(names);
        // every member's first authenticated call puts them on the roster; do it before measuring
        long heap0 = heapAfterGc(pid, mgmt);
        long rss0 = ProcStats.rssKib(pid);
        int fd0 = ProcStats.openFiles(pid);
        // the gateway's own idle cost (Kafka consumer polls, metrics, timers) with no connection, to subtract
        Fanout.log("b3: gateway baseline, no connection, %d s", idle);
        double baselineCores = cores(pid, idle);
        AtomicInteger open = new AtomicInteger();
        AtomicInteger closedByServer = new AtomicInteger();
        AtomicLong firstDelivery = new AtomicLong(Long.MAX_VALUE);
        AtomicLong lastDelivery = new AtomicLong();
        AtomicInteger delivered = new AtomicInteger();
        AtomicInteger resubscribes = new AtomicInteger();
        AtomicLong sentAt = new AtomicLong(Long.MAX_VALUE);
        List<Long> timers = new ArrayList<>();
        String failure = null;
        long rampStart = System.nanoTime();
        int connected = 0;
        try {
            for (int i = 0; i < target && failure == null; i += 250) {
                List<Future<Void>> batch = new ArrayList<>();
                for (int k = i; k < Math.min(target, i + 250); k++) {
                    String token = parley.token("c" + (k / perUser));
                    Promise<Void> ready = Promise.promise();
                    batch.add(ready.future());
                    WebSocketConnectOptions wo = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
                            .setURI("/api/ws").setSubProtocols(List.of("parley.v1", "bearer." + token))
                            .setTimeout(60_000).setAllowOriginHeader(false);
                    clients.stream().webSocket(wo).onFailure(ready::tryFail).onSuccess(ws -> {
                        open.incrementAndGet();
                        ws.closeHandler(v -> {
                            open.decrementAndGet();
                            closedByServer.incrementAndGet();
                        });
                        AtomicInteger attempts = new AtomicInteger();
                        ws.textMessageHandler(text -> {
                            if (text.startsWith("{\"op\":\"subscribed\"")) {
                                ready.tryComplete();
                            } else if (text.startsWith("{\"op\":\"error\"") && text.contains("service.unavailable")
                                    && attempts.incrementAndGet() <= 10) {
                                // the owner answered too slowly under the ramp: subscribe again, as a client would
                                resubscribes.incrementAndGet();
                                vertx.setTimer(200 + ThreadLocalRandom.current().nextInt(500), t -> ws
                                        .writeTextMessage("{\"op\":\"subscribe\",\"stream\":\"channel\"}"));
                            } else if (text.startsWith("{\"op\":\"error\"")) {
                                ready.tryFail(text);
                            } else if (text.contains("message.created") && text.contains("b3-broadcast")) {
                                long now = System.nanoTime();
                                delivered.incrementAndGet();
                                firstDelivery.accumulateAndGet(now, Math::min);
                                lastDelivery.accumulateAndGet(now, Math::max);
                            }
                        });
                        ws.writeTextMessage("{\"op\":\"subscribe\",\"stream\":\"channel\"}");
                        long id = vertx.setPeriodic(ThreadLocalRandom.current().nextLong(1, keepalive * 1000L),
                                keepalive * 1000L, t -> ws.writeTextMessage("{\"op\":\"ping\"}"));
                        synchronized (timers) {
                            timers.add(id);
                        }
                    });
                }
                try {
                    ParleyTarget.await(Future.all(batch), 120);
                    connected = Math.min(target, i + 250);
                } catch (Exception e) {
                    failure = "connection " + (i + 1) + "–" + Math.min(target, i + 250) + ": " + e.getMessage();
                    connected = open.get();
                }
                if (connected % 2000 < 250) {
                    Fanout.log("b3: %d connections open (gateway fds %d)", open.get(), ProcStats.openFiles(pid));
                }
            }
            double rampS = (System.nanoTime() - rampStart) / 1e9;
            int n = open.get();
            long heap1 = heapAfterGc(pid, mgmt);
            long rss1 = ProcStats.rssKib(pid);
            int fd1 = ProcStats.openFiles(pid);
            Fanout.log("b3: %d open; idle %d s", n, idle);
            double idleCores = cores(pid, idle);
            double keepAliveCores = Math.max(0, idleCores - baselineCores);
            long cpu0 = ProcStats.cpuTicks(pid);
            // one broadcast on the channel
            String poster = parley.token("c0");
            sentAt.set(System.nanoTime());
            ParleyTarget.await(parley.request(io.vertx.core.http.HttpMethod.POST, "/api/channel/messages", poster,
                    "{\"body\":\"b3-broadcast\"}"), 30);
            long postedAt = System.nanoTime();
            Waits.until(Duration.ofSeconds(60), Duration.ofMillis(20), () -> delivered.get() >= open.get());
            long cpuBroadcast = ProcStats.cpuTicks(pid);
            double perConnHeap = (heap1 - heap0) / (double) Math.max(1, n);
            double perConnRss = (rss1 - rss0) * 1024.0 / Math.max(1, n);
            Report report = new Report("B3 — connection capacity: " + n + " idle WebSocket connections on one gateway");
            report.line(machine);
            report.line("Each connection is a WebSocket on `/api/ws` subscribed to the tenant `channel`, sending "
                    + "`{\"op\":\"ping\"}` every " + keepalive + " s; " + users + " members × ≤ " + perUser
                    + " connections (the gateway's per-member limit is 20). Heap = `jvm_memory_used_bytes{area=heap}` "
                    + "after `jcmd GC.run`; RSS from /proc. Then one `POST /api/channel/messages` reaches all.\n");
            report.table(List.of("measure", "value"), List.of(
                    List.of("gateway open-file limit", String.valueOf(fdLimit)),
                    List.of("connections asked / open", target + " / " + n + (failure == null ? "" : " (stopped: "
                            + failure.replace('|', '/') + ")")),
                    List.of("ramp time", String.format("%.1f s (%.0f connections/s)", rampS, n / rampS)),
                    List.of("subscribes retried after a 503 from the owner", String.valueOf(resubscribes.get())),
                    List.of("gateway fds before / after", fd0 + " / " + fd1),
                    List.of("heap before / after (after full GC)", mb(heap0) + " / " + mb(heap1)),
                    List.of("RSS before / after", Report.mib(rss0) + " / " + Report.mib(rss1)),
                    List.of("**heap per connection**", String.format("**%.2f KiB**", perConnHeap / 1024)),
                    List.of("**RSS growth per connection**", String.format("**%.2f KiB**", perConnRss / 1024)),
                    List.of("projected at 100k connections", String.format("heap %.0f MiB, RSS +%.0f MiB",
                            perConnHeap * 100_000 / 1048576, perConnRss * 100_000 / 1048576)),
                    List.of("gateway CPU with no connection / with all idle", String.format("%.2f %% / %.2f %% of a core",
                            baselineCores * 100, idleCores * 100)),
                    List.of("**keep-alive CPU** (idle with connections − without)", String.format(
                            "**%.2f %% of a core**", keepAliveCores * 100)),
                    List.of("broadcast delivered to", delivered.get() + " / " + n),
                    List.of("broadcast: first / last delivery after the POST was sent",
                            fmtMs(firstDelivery.get() - sentAt.get()) + " / " + fmtMs(lastDelivery.get() - sentAt.get())),
                    List.of("**delivery spread** (last − first)", "**" + fmtMs(lastDelivery.get() - firstDelivery.get())
                            + "**"),
                    List.of("POST→201", fmtMs(postedAt - sentAt.get())),
                    List.of("gateway CPU for the broadcast", String.format("%.0f ms", (cpuBroadcast - cpu0) * 1000.0
                            / ProcStats.CLK_TCK)),
                    List.of("connections closed by the server", String.valueOf(closedByServer.get()))));
            report.line("### Targets (issue #10)\n");
            report.table(List.of("target", "goal", "measured", "met"), List.of(
                    List.of("idle connections on one gateway", "19,500", String.valueOf(n), Bench.yes(n >= 19_500)),
                    List.of("heap + RSS growth per connection", "≤ 10 KiB", String.format("%.2f KiB",
                            (perConnHeap + perConnRss) / 1024), Bench.yes(n >= 19_500
                            && perConnHeap + perConnRss <= 10 * 1024)),
                    List.of("keep-alive CPU", "≤ 3 % of a core", String.format("%.2f %%", keepAliveCores * 100),
                            Bench.yes(n >= 19_500 && keepAliveCores <= 0.03))));
            Path file = report.write(reports, o.getOrDefault("label", "b3-" + n + "connections"));
            System.out.println(report);
            System.out.println("report: " + file);
            return delivered.get() == n ? 0 : 3;
        } finally {
            synchronized (timers) {
                timers.forEach(vertx::cancelTimer);
            }
            clients.close();
            vertx.close();
        }
    }

    /** The process's CPU over the next {@code seconds}, in cores. */
    private static double cores(long pid, int seconds) throws InterruptedException {
        long cpu0 = ProcStats.cpuTicks(pid);
        long start = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        return (ProcStats.cpuTicks(pid) - cpu0) / (double) ProcStats.CLK_TCK / ((System.nanoTime() - start) / 1e9);
    }

    static String fmtMs(long nanos) {
        return String.format("%.1f ms", nanos / 1e6);
    }

    static String mb(long bytes) {
        return String.format("%.1f MiB", bytes / 1048576.0);
    }

    static long openFileLimit(long pid) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/limits"))) {
                if (l.startsWith("Max open files")) {
                    return Long.parseLong(l.substring(14).trim().split("\\s+")[0]);
                }
            }
        } catch (Exception e) {
            // unknown
        }
        return 20_000;
    }

    /** Heap used after a full GC ({@code jcmd GC.run}), from the gateway's Prometheus endpoint. */
    static long heapAfterGc(long pid, int mgmtPort) throws Exception {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        new ProcessBuilder(jcmd, String.valueOf(pid), "GC.run").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
        HttpClient http = HttpClient.newHttpClient();
        String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + mgmtPort + "/q/metrics"))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString()).body();
        long sum = 0;
        for (String l : metrics.split("\n")) {
            if (l.startsWith("jvm_memory_used_bytes{area=\"heap\"")) {
                sum += (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }
}
