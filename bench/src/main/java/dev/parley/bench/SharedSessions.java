package dev.parley.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;

/**
 * B5 shared-session streaming: --sessions (100) sessions, each owned by one member holding a running turn who
 * {@code PUT}s the live snapshot --live-rate times/s (10) and sends {@code signal} frames over its WebSocket
 * --signal-rate times/s (20); 3 other members (shared writers) watch each session over WebSocket. Measures
 * update→watcher latency of {@code live.updated} (coalesced by session-relay, ADR 0053) and of {@code signal}.
 * Each owner heartbeats its turn every {@link #HEARTBEAT_MS} (the grant expires after {@code turn-lock-ttl}, 30 s,
 * without one, and every later PUT would be 409 {@code turn.fenced}, as API.md §6 says).
 */
final class SharedSessions {

    /** A third of the default {@code turn-lock-ttl} (30 s). */
    static final long HEARTBEAT_MS = 10_000;

    private SharedSessions() {
    }

    static int run(Map<String, String> o, Path home, Path reports, String command) throws Exception {
        int sessions = Bench.intOpt(o, "sessions", 100);
        int watchers = Bench.intOpt(o, "watchers", 3);
        int liveRate = Bench.intOpt(o, "live-rate", 10);
        int signalRate = Bench.intOpt(o, "signal-rate", 20);
        int warmup = Bench.intOpt(o, "warmup", 5);
        int duration = Bench.intOpt(o, "duration", 30);
        List<ProcStats.Group> stack = ProcStats.stackGroups(home);
        if (stack.stream().noneMatch(g -> g.name().equals("gateway") && ProcStats.alive(g.rootPid()))) {
            System.err.println("no running gateway recorded in " + home.resolve("run") + " — run ./parley up");
            return 1;
        }
        Properties sp = Bench.stackProperties(home);
        int port = Integer.parseInt(sp.getProperty("gateway-port", "8080"));
        String machine = Report.machine(command, stack);
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(Bench.intOpt(o, "loops", 2)));
        Clients clients = new Clients(vertx, 1, sessions * (watchers + 1) + 10, Math.min(500, sessions + 10));
        Stats stats = new Stats();
        ParleyTarget parley = new ParleyTarget(clients, "127.0.0.1", port, o.getOrDefault("tenant", "bench"), stack,
                stats);
        ConcurrentHistogram live = new ConcurrentHistogram(3);
        ConcurrentHistogram signal = new ConcurrentHistogram(3);
        ConcurrentHistogram put = new ConcurrentHistogram(3);
        LongAdder liveReceived = new LongAdder();
        LongAdder signalReceived = new LongAdder();
        LongAdder putsOk = new LongAdder();
        LongAdder putErrors = new LongAdder();
        Map<String, LongAdder> putErrorKinds = new ConcurrentHashMap<>();
        LongAdder heartbeatErrors = new LongAdder();
        LongAdder signalsSent = new LongAdder();
        String run = "b5-" + Instant.now().getEpochSecond();
        List<Long> timers = new ArrayList<>();
        try {
            List<String> users = new ArrayList<>();
            for (int s = 0; s < sessions; s++) {
                users.add("o" + s);
                for (int w = 0; w < watchers; w++) {
                    users.add("w" + s + "-" + w);
                }
            }
            Fanout.log("b5: tokens, %d sessions, shares, turns", sessions);
            parley.fetchTokens(users);
            String[] ids = new String[sessions];
            String[] fencing = new String[sessions];
            String[] turn = new String[sessions];
            for (int s = 0; s < sessions; s++) {
                String owner = parley.token("o" + s);
                JsonNode created = ParleyTarget.await(parley.request(HttpMethod.POST, "/api/sessions", owner,
                        "{\"title\":\"" + run + "-" + s + "\"}"), 60);
                ids[s] = created.get("id").asText();
                for (int w = 0; w < watchers; w++) {
                    ParleyTarget.await(parley.request(HttpMethod.POST, "/api/sessions/" + ids[s] + "/members", owner,
                            "{\"ref\":\"user:w" + s + "-" + w + "\"}"), 60);
                }
                turn[s] = UUID.randomUUID().toString();
                JsonNode t = ParleyTarget.await(parley.request(HttpMethod.POST, "/api/sessions/" + ids[s] + "/turn",
                        owner, "{\"turnId\":\"" + turn[s] + "\"}"), 60);
                fencing[s] = t.get("fencingToken").asText();
                // heartbeat from the grant on: setting up many sessions can take longer than the ttl
                String hb = "/api/sessions/" + ids[s] + "/turn/heartbeat";
                timers.add(vertx.setPeriodic(HEARTBEAT_MS, x -> parley.request(HttpMethod.POST, hb, owner, null)
                        .onFailure(e -> heartbeatErrors.increment())));
            }
            WebSocket[] ownerWs = new WebSocket[sessions];
            List<Future<Void>> batch = new ArrayList<>();
            for (int s = 0; s < sessions; s++) {
                final int si = s;
                for (int w = 0; w < watchers; w++) {
                    batch.add(ws(clients, port, parley.token("w" + s + "-" + w), "session:" + ids[s], text -> {
                        long now = System.nanoTime();
                        if (text.contains("\"live.updated\"")) {
                            liveReceived.increment();
                            record(live, stats, now, Sub.longAfter(text, "sentAt="));
                        } else if (text.contains("\"signal\"")) {
                            signalReceived.increment();
                            record(signal, stats, now, Sub.longAfter(text, "\"sentAt\":"));
                        }
                    }).mapEmpty());
                }
                batch.add(ws(clients, port, parley.token("o" + s), "session:" + ids[s], text -> { })
                        .map(w -> {
                            ownerWs[si] = w;
                            return null;
                        }));
                if (batch.size() >= 100) {
                    ParleyTarget.await(Future.all(batch), 120);
                    batch.clear();
                }
            }
            ParleyTarget.await(Future.all(batch), 120);
            Fanout.log("b5: %d watchers + %d owners connected", sessions * watchers, sessions);
            String pad = "t".repeat(200);
            for (int s = 0; s < sessions; s++) {
                final int si = s;
                String uri = "/api/sessions/" + ids[s] + "/live";
                String token = parley.token("o" + s);
                timers.add(vertx.setPeriodic(ThreadLocalRandom.current().nextLong(1, 1000 / liveRate), 1000 / liveRate,
                        t -> {
                            long start = System.nanoTime();
                            String body = "{\"turnId\":\"" + turn[si] + "\",\"status\":\"running\",\"text\":\"" + pad
                                    + " sentAt=" + start + "\",\"thinking\":\"\",\"tools\":[],\"fencingToken\":"
                                    + fencing[si] + "}";
                            RequestOptions ro = new RequestOptions().setMethod(HttpMethod.PUT).setHost("127.0.0.1")
                                    .setPort(port).setURI(uri).setTimeout(30_000)
                                    .putHeader("Content-Type", "application/json")
                                    .putHeader("Authorization", "Bearer " + token);
                            clients.posts.request(ro).compose(r -> r.send(body)).compose(r -> r.body().map(b ->
                                    r.statusCode())).onComplete(ar -> {
                                        if (ar.succeeded() && ar.result() == 200) {
                                            putsOk.increment();
                                            long now = System.nanoTime();
                                            if (start >= stats.windowStart && start < stats.windowEnd) {
                                                put.recordValue((now - start) / 1000);
                                            }
                                        } else {
                                            putErrors.increment();
                                            putErrorKinds.computeIfAbsent(ar.succeeded()
                                                    ? "HTTP " + ar.result() : ar.cause().getClass().getSimpleName(),
                                                    k -> new LongAdder()).increment();
                                        }
                                    });
                        }));
                timers.add(vertx.setPeriodic(ThreadLocalRandom.current().nextLong(1, 1000 / signalRate),
                        1000 / signalRate, t -> {
                            signalsSent.increment();
                            ownerWs[si].writeTextMessage("{\"op\":\"signal\",\"stream\":\"session:" + ids[si]
                                    + "\",\"data\":{\"sentAt\":" + System.nanoTime() + "}}");
                        }));
            }
            List<ProcStats.Group> groups = stack;
            Thread.sleep(warmup * 1000L);
            Map<String, ProcStats.Sample> cpu0 = ProcStats.sample(groups);
            long gen0 = ProcStats.cpuTicks(ProcessHandle.current().pid());
            long[] m0 = ProcStats.machineTicks();
            long liveR0 = liveReceived.sum();
            long sigR0 = signalReceived.sum();
            long puts0 = putsOk.sum();
            long sig0 = signalsSent.sum();
            stats.windowStart = System.nanoTime();
            Thread.sleep(duration * 1000L);
            stats.windowEnd = System.nanoTime();
            double window = (stats.windowEnd - stats.windowStart) / 1e9;
            Map<String, ProcStats.Sample> cpu1 = ProcStats.sample(groups);
            long gen1 = ProcStats.cpuTicks(ProcessHandle.current().pid());
            long[] m1 = ProcStats.machineTicks();
            long liveR = liveReceived.sum() - liveR0;
            long sigR = signalReceived.sum() - sigR0;
            long puts = putsOk.sum() - puts0;
            long sigs = signalsSent.sum() - sig0;
            timers.forEach(vertx::cancelTimer);
            timers.clear();
            Fanout.log("b5: live %d received, signal %d received, p99 live %s ms, signal %s ms", liveR, sigR,
                    Stats.ms(live, 99), Stats.ms(signal, 99));
            for (int s = 0; s < sessions; s++) {
                parley.request(HttpMethod.DELETE, "/api/sessions/" + ids[s] + "/turn", parley.token("o" + s), null);
            }
            Report report = new Report("B5 — shared-session streaming: " + sessions + " sessions × " + watchers
                    + " watchers, live " + liveRate + "/s, signal " + signalRate + "/s");
            report.line(machine);
            report.line("Each session: the owner holds a running turn and `PUT`s `/api/sessions/{id}/live` (" + liveRate
                    + "/s, 200-character text with the send time) and sends `signal` frames on its WebSocket ("
                    + signalRate + "/s); " + watchers + " shared members watch `session:<id>` over WebSocket. "
                    + "`live.updated` is coalesced by session-relay (`live-publish-interval`, 100 ms — latest wins), so "
                    + "fewer updates than PUTs reach watchers by design; latency is measured per received update. "
                    + "Window " + Report.f1(window) + " s after " + warmup + " s warm-up.\n");
            report.table(List.of("measure", "value"), List.of(
                    List.of("live PUT 200 / errors (whole run)", puts + " in window (" + Report.f0(puts / window)
                            + "/s) / " + putErrors.sum() + (putErrorKinds.isEmpty() ? "" : " " + putErrorKinds)
                            + (heartbeatErrors.sum() == 0 ? "" : "; turn heartbeats failed: " + heartbeatErrors.sum())),
                    List.of("PUT live → 200 p50 / p99 / max", Stats.ms(put, 50) + " / " + Stats.ms(put, 99) + " / "
                            + Stats.ms(put, 100) + " ms"),
                    List.of("live.updated received by watchers", liveR + " (" + Report.f0(liveR / window) + "/s; "
                            + String.format("%.0f %%", 100.0 * liveR / Math.max(1, puts * watchers))
                            + " of PUTs × watchers)"),
                    List.of("**update→watcher p50 / p99 / max (live.updated)**", "**" + Stats.ms(live, 50) + " / "
                            + Stats.ms(live, 99) + " / " + Stats.ms(live, 100) + " ms**"),
                    List.of("signals sent / received by watchers", sigs + " / " + sigR + " (" + String.format("%.1f %%",
                            100.0 * sigR / Math.max(1, sigs * watchers)) + " of sent × watchers)"),
                    List.of("**signal→watcher p50 / p99 / max**", "**" + Stats.ms(signal, 50) + " / "
                            + Stats.ms(signal, 99) + " / " + Stats.ms(signal, 100) + " ms**")));
            List<List<String>> rows = new ArrayList<>();
            double stackCores = 0;
            for (String n : cpu1.keySet()) {
                double c = (cpu1.get(n).cpuTicks() - cpu0.get(n).cpuTicks()) / (double) ProcStats.CLK_TCK / window;
                stackCores += c;
                rows.add(List.of(n, Report.f0(c * 100) + " %", Report.mib(cpu1.get(n).rssKib())));
            }
            double gen = (gen1 - gen0) / (double) ProcStats.CLK_TCK / window;
            double machineCores = (m1[0] - m0[0]) / (double) ProcStats.CLK_TCK / window;
            rows.add(List.of("**stack total**", Report.f0(stackCores * 100) + " %", ""));
            rows.add(List.of("generator", Report.f0(gen * 100) + " %", ""));
            rows.add(List.of("background (machine − stack − generator)",
                    Report.f0(Math.max(0, machineCores - stackCores - gen) * 100) + " %", ""));
            report.table(List.of("process", "CPU (of one core)", "RSS at end"), rows);
            report.line("### Targets (issue #10)\n");
            report.table(List.of("target", "goal", "measured", "met"), List.of(
                    List.of("p99 update→watcher (live.updated)", "≤ 50 ms", Stats.ms(live, 99) + " ms",
                            Bench.yes(live.getTotalCount() > 0 && live.getValueAtPercentile(99) <= 50_000)),
                    List.of("p99 signal→watcher", "≤ 50 ms", Stats.ms(signal, 99) + " ms",
                            Bench.yes(signal.getTotalCount() > 0 && signal.getValueAtPercentile(99) <= 50_000))));
            Path file = report.write(reports, o.getOrDefault("label", "b5-" + sessions + "sessions"));
            System.out.println(report);
            System.out.println("report: " + file);
            return 0;
        } finally {
            timers.forEach(vertx::cancelTimer);
            Thread.sleep(500);
            clients.close();
            vertx.close();
        }
    }

    private static void record(ConcurrentHistogram h, Stats stats, long now, long sentAt) {
        if (sentAt > 0 && sentAt >= stats.windowStart && sentAt < stats.windowEnd) {
            h.recordValue(Math.max(0, (now - sentAt) / 1000));
        }
    }

    private static Future<WebSocket> ws(Clients clients, int port, String token, String stream,
                                        java.util.function.Consumer<String> onText) {
        Promise<WebSocket> ready = Promise.promise();
        WebSocketConnectOptions o = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/api/ws")
                .setSubProtocols(List.of("parley.v1", "bearer." + token)).setTimeout(60_000)
                .setAllowOriginHeader(false);
        clients.stream().webSocket(o).onFailure(ready::tryFail).onSuccess(ws -> {
            ws.textMessageHandler(text -> {
                if (text.startsWith("{\"op\":\"subscribed\"")) {
                    ready.tryComplete(ws);
                } else if (text.startsWith("{\"op\":\"error\"")) {
                    ready.tryFail(text);
                } else {
                    onText.accept(text);
                }
            });
            ws.writeTextMessage("{\"op\":\"subscribe\",\"stream\":\"" + stream + "\"}");
        });
        return ready.future();
    }
}
