package dev.parley.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.zip.Deflater;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * B4 presence churn at the scale: {@code --members} (10,000) members × 2 WebSocket connections, one on each
 * of two gateway processes (the devstack's and an {@link ExtraGateway}), held by {@code --parts} (2) generator
 * processes (this one and workers it launches: {@code bench.jar b4 --part=k ...}), so that no process holds more
 * than ≈ 10,000 sockets (the open-file limit here is 20,000). Connections are ramped in at {@code --ramp-rate}
 * (1,000/s in all), then {@code --churn} (5 %) of the 2 × members connections change per second: every second
 * churn × 2 × members / 4 members close both their connections and later reopen them (4 connection changes each).
 * A share {@code --leave} (0.25) of them stay away until their {@code offline} is announced (+ ≈ {@code --away} s),
 * then come back ({@code online}); the others reload (reopen after ≈ {@code --reload-gap} s, inside the grace: no
 * transition allowed). Each process has its own watcher subscribed to {@code presence} and measures its own members:
 * online latency = {@code presence.changed} online − the member's first connection open (WS handshake done);
 * offline latency = {@code presence.changed} offline − (close + {@code --grace}, the service's offline-grace).
 * Workers print their histograms (HdrHistogram, compressed, base64) and counters; this process merges them and
 * writes the report with the CPU and RSS of every process.
 */
final class PresenceChurn {

    private static final String PREFIX = "b4-";
    /** Connections a part opens at once during the ramp (then it waits for them): the ramp goes at the gateways' pace. */
    private static final int RAMP_WINDOW = 50;

    private PresenceChurn() {
    }

    /** The workload's options (the same in every process). */
    record Params(boolean direct, int members, int parts, int gateways, double churn, double leave, int warmup,
                  int duration, long graceNanos, double reloadGap, double away, int rampRate, String tenant) {

        static Params of(Map<String, String> o) {
            int grace = Bench.intOpt(o, "grace", 30);
            boolean direct = o.containsKey("direct");
            return new Params(direct, Bench.intOpt(o, "members", 10_000), Bench.intOpt(o, "parts", direct ? 1 : 2),
                    direct ? 0 : Bench.intOpt(o, "gateways", 2), Double.parseDouble(o.getOrDefault("churn", "0.05")),
                    Double.parseDouble(o.getOrDefault("leave", "0.25")), Bench.intOpt(o, "warmup", grace + 10),
                    Bench.intOpt(o, "duration", 60), grace * 1_000_000_000L,
                    Double.parseDouble(o.getOrDefault("reload-gap", "2")),
                    Double.parseDouble(o.getOrDefault("away", "2")), Bench.intOpt(o, "ramp-rate", 1000),
                    o.getOrDefault("tenant", "bench"));
        }

        /** Member cycles (close both, reopen both = 4 connection changes) started per second by all parts. */
        double cyclesPerSecond() {
            return churn * 2 * members / 4;
        }
    }

    static int run(Map<String, String> o, Path home, Path reports, String command) throws Exception {
        if (o.containsKey("part")) {
            return worker(o, home);
        }
        Params p = Params.of(o);
        List<ProcStats.Group> stack = ProcStats.stackGroups(home);
        String needed = p.direct() ? "presence" : "gateway";
        ProcStats.Group gw = stack.stream().filter(g -> g.name().equals(needed) && ProcStats.alive(g.rootPid()))
                .findFirst().orElse(null);
        if (gw == null) {
            System.err.println("no running " + needed + " recorded in " + home.resolve("run") + " — run ./parley up");
            return 1;
        }
        Properties sp = Bench.stackProperties(home);
        int basePort = Integer.parseInt(sp.getProperty("gateway-port", "8080"));
        int baseMgmt = Integer.parseInt(sp.getProperty("gateway-mgmt-port", "9080"));
        int presenceMgmt = Integer.parseInt(sp.getProperty("presence-mgmt-port", "9081"));
        String machine = Report.machine(command, stack);
        List<ProcStats.Group> groups = new ArrayList<>(stack);
        List<Process> gateways = new ArrayList<>();
        List<Process> workers = new ArrayList<>();
        List<Integer> ports = new ArrayList<>(List.of(basePort));
        Sampler sampler = null;
        try {
            for (int g = 1; g < p.gateways(); g++) {
                Process extra = ExtraGateway.start(gw.rootPid(), "b4-" + g, basePort + 100 * g, baseMgmt + 100 * g);
                gateways.add(extra);
                ports.add(basePort + 100 * g);
                groups.add(new ProcStats.Group("gateway-" + (char) ('a' + g), extra.pid()));
            }
            for (int g = 1; g < p.gateways(); g++) {
                ExtraGateway.awaitReady(baseMgmt + 100 * g, 180);
            }
            Fanout.log("b4: %s; %d generator process(es)", p.direct() ? "direct (no gateway)" : p.gateways()
                    + " gateways on ports " + ports, p.parts());
            String portList = ports.stream().map(String::valueOf).reduce((a, b) -> a + "," + b).orElseThrow();
            groups.add(new ProcStats.Group("generator (part 0, this process)", ProcessHandle.current().pid()));
            List<Remote> remotes = new ArrayList<>();
            for (int k = 1; k < p.parts(); k++) {
                List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                        "-cp", System.getProperty("java.class.path"), Bench.class.getName(), "b4"));
                o.forEach((key, value) -> cmd.add("--" + key + "=" + value));
                cmd.add("--part=" + k);
                cmd.add("--ports=" + portList);
                Process w = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
                workers.add(w);
                groups.add(new ProcStats.Group("generator (part " + k + ")", w.pid()));
                remotes.add(new Remote(k, w));
            }
            Barrier barrier = new Barrier(remotes);
            CompletableFuture<PartResult> local = new CompletableFuture<>();
            Thread.ofPlatform().name("b4-part-0").start(() -> {
                try {
                    local.complete(new Part(p, 0, ports, home, barrier.local(), m -> Fanout.log("%s", m)).run());
                } catch (Throwable e) {
                    local.completeExceptionally(e);
                }
            });
            // tokens → ramp (CPU per connection) → ramped → churn (warm-up, window) → drain → results
            barrier.await("tokens", local, 1800);
            Snap rampStart = Snap.take(groups);
            long rampStartNanos = System.nanoTime();
            barrier.release("tokens");
            barrier.await("ramped", local, 1800);
            Snap rampEnd = Snap.take(groups);
            double rampSeconds = (System.nanoTime() - rampStartNanos) / 1e9;
            Map<String, Integer> fds = new LinkedHashMap<>();
            for (ProcStats.Group g : groups) {
                if (g.name().startsWith("gateway") || g.name().startsWith("generator")) {
                    fds.put(g.name(), ProcStats.openFiles(g.rootPid()));
                }
            }
            barrier.release("ramped");
            long released = System.nanoTime(); // the parts' windows start warm-up s after this and last duration s
            sleepUntil(released + p.warmup() * 1_000_000_000L);
            sampler = new Sampler(groups);
            Snap windowStart = Snap.take(groups);
            Map<String, Double> metricsStart = presenceMetrics(presenceMgmt); // may take a while on a busy machine
            sleepUntil(released + (p.warmup() + p.duration()) * 1_000_000_000L);
            Snap windowEnd = Snap.take(groups);
            Map<String, Double> metricsEnd = presenceMetrics(presenceMgmt);
            sampler.close();
            PartResult total = local.get(p.warmup() + p.duration() + 600L, TimeUnit.SECONDS);
            for (Remote r : remotes) {
                total.add(r.result(600));
            }
            Report report = report(p, machine, ports, total, rampStart, rampEnd, rampSeconds, windowStart, windowEnd,
                    sampler, fds, metricsStart, metricsEnd);
            Path file = report.write(reports, o.getOrDefault("label", "b4-" + (p.direct() ? "direct-" : "")
                    + p.members() + "members" + (p.churn() == 0.05 ? "" : "-churn" + Report.f0(p.churn() * 100) + "pct")));
            System.out.println(report);
            System.out.println("report: " + file);
            return total.count("flaps") == 0 && total.count("missedOffline") == 0 && total.count("missedOnline") == 0
                    ? 0 : 3;
        } finally {
            if (sampler != null) {
                sampler.close();
            }
            for (Process w : workers) {
                ExtraGateway.stop(w);
            }
            for (Process g : gateways) {
                ExtraGateway.stop(g);
            }
        }
    }

    private static void sleepUntil(long nanos) throws InterruptedException {
        long ms = (nanos - System.nanoTime()) / 1_000_000;
        if (ms > 0) {
            Thread.sleep(ms);
        }
    }

    // ---- the report ------------------------------------------------------------------------------------------

    private static Report report(Params p, String machine, List<Integer> ports, PartResult r,
                                 Snap rampStart, Snap rampEnd, double rampSeconds,
                                 Snap ws, Snap we, Sampler sampler,
                                 Map<String, Integer> fds, Map<String, Double> ms, Map<String, Double> me) {
        int connections = 2 * p.members();
        Report report = new Report("B4 — presence churn" + (p.direct() ? " (presence-service alone)" : "") + ": "
                + String.format("%,d", p.members()) + " members × 2 " + (p.direct() ? "connections (events straight "
                + "into Kafka)" : "WebSocket connections over " + p.gateways() + " gateways") + ", "
                + Report.f0(p.churn() * 100) + " % of connections changing per second");
        report.line(machine);
        double window = (we.nanos() - ws.nanos()) / 1e9;
        report.line((p.direct()
                ? "**Direct mode (`--direct`)**: no gateway and no WebSocket. The generator acts as two gateways "
                + "(`bench-direct-a/b-<run>`, a heartbeat every 5 s each) and produces each connection's `connect` / "
                + "`disconnect` into `parley.presence.connections.v1` exactly as a gateway does (key = tenant, header "
                + "`parley-type`); the watcher reads `parley.presence.changes.v1`. So presence-service and Kafka are "
                + "all that is measured; \"published → watcher\" is Kafka alone. A connection's open = the moment its "
                + "`connect` is produced. "
                : "Each member holds one connection on each gateway (ports " + ports + "; gateway-b is an extra "
                + "process started from the devstack gateway's command line). " + p.parts() + " generator processes "
                + "hold " + String.format("%,d", p.members() / p.parts()) + " members each (≤ "
                + String.format("%,d", connections / p.parts()) + " sockets per process; the open-file limit is "
                + "20,000). ") + "Connections are ramped in at " + p.rampRate() + "/s in all. Churn: every second "
                + Report.f0(p.cyclesPerSecond()) + " members close both connections and later reopen them ("
                + Report.f0(4 * p.cyclesPerSecond()) + " connection changes/s = " + Report.f0(p.churn() * 100)
                + " % of " + String.format("%,d", connections) + "); " + Report.f0(p.leave() * 100) + " % of them "
                + "stay away until their `offline` is announced (+ ≈ " + p.away() + " s) and come back (`online`), "
                + "the others reload (reopen after ≈ " + p.reloadGap() + " s, inside the " + p.graceNanos() / 1_000_000_000L
                + " s grace: any transition is a flap). One watcher per generator process ("
                + (p.direct() ? "a reader of the changes topic" : "a WS subscribed to `presence`")
                + ") times its own members' `presence.changed`. **online** = event − the member's first connection "
                + "open (" + (p.direct() ? "its `connect` produced" : "WS handshake done") + "); **offline** = event − (close + offline-grace), i.e. lateness beyond the "
                + "grace the API promises. Warm-up " + p.warmup() + " s (longer than the grace, so leaves are coming "
                + "back), window " + Report.f0(window) + " s; latencies count changes made inside the window.\n");
        report.line("## Connect (ramp)\n");
        report.table(List.of("measure", "value"), List.of(
                List.of("connections opened / failed attempts", r.count("rampOpened") + " / " + r.count("rampFailed")),
                List.of("time to open all and see every member online", String.format("%.1f s (%.0f connections/s)",
                        rampSeconds, r.count("rampOpened") / rampSeconds)),
                List.of("members not online after the ramp / still online from an earlier run at the start",
                        r.count("rampNotSteady") + " / " + r.count("onlineAtStart")),
                List.of("WS handshake p50 / p99 / max (whole run)", r.ms("handshake", 50) + " / " + r.ms("handshake", 99)
                        + " / " + r.ms("handshake", 100) + " ms"),
                List.of("first connect → online p50 / p99 / p99.9 / max (ramp)", r.ms("rampOnline", 50) + " / "
                        + r.ms("rampOnline", 99) + " / " + r.ms("rampOnline", 99.9) + " / " + r.ms("rampOnline", 100)
                        + " ms"),
                List.of("gateway CPU per connection opened (ramp)", perUnit(rampStart, rampEnd, "gateway",
                        r.count("rampOpened"), true)),
                List.of("presence CPU per online transition (ramp)", perUnit(rampStart, rampEnd, "presence",
                        r.count("rampOnlineSeen"), false))));
        long changes = r.count("changesInWindow");
        long transitions = r.count("transitionsInWindow");
        report.line("## Churn window\n");
        Histogram both = r.hist("online").copy();
        both.add(r.hist("offline"));
        r.hists.put("both", both);
        report.table(List.of("measure", "value"), List.of(
                List.of("connection changes (closes sent + opens done)", changes + " (**" + Report.f0(changes / window)
                        + "/s** of " + Report.f0(4 * p.cyclesPerSecond()) + "/s offered)"),
                List.of("member cycles started: reload / leave", r.count("cyclesReload") + " / " + r.count("cyclesLeave")
                        + " (whole churn; " + r.count("skipped") + " skipped: no steady member)"),
                List.of("presence.changed seen for own members", transitions + " (" + Report.f0(transitions / window)
                        + "/s)"),
                List.of("**online: connect → presence.changed p50 / p99 / p99.9 / max**", "**" + r.ms("online", 50)
                        + " / " + r.ms("online", 99) + " / " + r.ms("online", 99.9) + " / " + r.ms("online", 100)
                        + " ms** (" + r.hist("online").getTotalCount() + ")"),
                List.of("**offline: close + grace → presence.changed p50 / p99 / p99.9 / max**", "**"
                        + r.ms("offline", 50) + " / " + r.ms("offline", 99) + " / " + r.ms("offline", 99.9) + " / "
                        + r.ms("offline", 100) + " ms** (" + r.hist("offline").getTotalCount() + ")"),
                List.of("both p50 / p99 / p99.9", r.ms("both", 50) + " / " + r.ms("both", 99) + " / "
                        + r.ms("both", 99.9) + " ms"),
                List.of("… of which change → presence published (envelope `at`), online p50 / p99",
                        r.ms("publishedOnline", 50) + " / " + r.ms("publishedOnline", 99) + " ms"),
                List.of("… of which close + grace → presence published, offline p50 / p99",
                        r.ms("publishedOffline", 50) + " / " + r.ms("publishedOffline", 99) + " ms"),
                List.of("… of which published → watcher (Kafka + gateway fan-out) p50 / p99 / max",
                        r.ms("delivered", 50) + " / " + r.ms("delivered", 99) + " / " + r.ms("delivered", 100) + " ms"),
                List.of("flaps (a transition of a reloading or steady member)", r.count("flaps") + why(r, "flap_")),
                List.of("offline never announced / online never announced (30 s)", r.count("missedOffline") + " / "
                        + r.count("missedOnline")),
                List.of("watcher connections lost (events meanwhile missed)", String.valueOf(r.count("watcherLost"))),
                List.of("connections closed by a gateway / failed opens", r.count("serverClosed") + " / "
                        + r.count("openFailed") + why(r, "")),
                List.of("presence fold lag (event `at` → folded; its Micrometer p99 at the window's end)",
                        me.containsKey("lag99") ? String.format("%.0f ms", me.get("lag99") * 1000) : "–")));
        report.line("## Processes (window)\n");
        List<List<String>> rows = new ArrayList<>();
        double stack = 0;
        for (String n : we.groups().keySet()) {
            double cores = we.cores(ws, n);
            if (!n.startsWith("generator")) {
                stack += cores;
            }
            rows.add(List.of(n, String.valueOf(we.groups().get(n).processes()), Report.f0(cores * 100) + " %",
                    Report.mib(we.groups().get(n).rssKib()), Report.mib(sampler.peak(n)),
                    fds.containsKey(n) ? String.valueOf(fds.get(n)) : ""));
        }
        double busy = we.machineCores(ws);
        double generators = we.groups().keySet().stream().filter(n -> n.startsWith("generator"))
                .mapToDouble(n -> we.cores(ws, n)).sum();
        rows.add(List.of("**stack total** (gateways included)", "", Report.f0(stack * 100) + " %", "", "", ""));
        rows.add(List.of("whole machine busy", "", Report.f0(busy * 100) + " % of "
                + Runtime.getRuntime().availableProcessors() * 100 + " %", "", "", ""));
        rows.add(List.of("background (machine − stack − generators)", "", Report.f0(Math.max(0, busy - stack
                - generators) * 100) + " %", "", "", ""));
        report.table(List.of("process", "procs", "CPU (of one core)", "RSS at end", "peak RSS", "open files after ramp"),
                rows);
        double published = me.getOrDefault("transitions", 0.0) - ms.getOrDefault("transitions", 0.0);
        report.table(List.of("per unit (window)", "value"), List.of(
                List.of("**presence CPU per transition** (" + Report.f0(published) + " published by presence)",
                        "**" + perUnit(ws, we, "presence", (long) published, false) + "**"),
                List.of("presence CPU per connection change", perUnit(ws, we, "presence", changes, true)),
                List.of("gateways' CPU per connection change (both)", perUnit(ws, we, "gateway", changes, true))));
        long p99 = both.getTotalCount() == 0 ? Long.MAX_VALUE : both.getValueAtPercentile(99);
        report.line("### Targets (issue #10)\n");
        report.table(List.of("target", "goal", "measured", "met"), List.of(
                List.of("connection changes/s", "≥ " + Report.f0(4 * p.cyclesPerSecond() * 0.95),
                        Report.f0(changes / window), Bench.yes(changes / window >= 4 * p.cyclesPerSecond() * 0.95)),
                List.of("p99 connection change → presence.changed (online and offline-beyond-grace)", "≤ 500 ms",
                        r.ms("both", 99) + " ms", Bench.yes(p99 <= 500_000)),
                List.of("flaps / missing transitions", "0", r.count("flaps") + " / " + (r.count("missedOffline")
                        + r.count("missedOnline")), Bench.yes(r.count("flaps") + r.count("missedOffline")
                        + r.count("missedOnline") == 0))));
        return report;
    }

    /** The reasons of failed opens and closes by a gateway, if any. */
    private static String why(PartResult r, String prefix) {
        StringBuilder s = new StringBuilder();
        r.counts.forEach((k, v) -> {
            if (k.startsWith("why:" + prefix) && (!prefix.isEmpty() || !k.startsWith("why:flap_"))) {
                s.append(s.isEmpty() ? " (" : "; ").append('`').append(k.substring(4)).append("` × ").append(v);
            }
        });
        return s.isEmpty() ? "" : s.append(')').toString();
    }

    /** Δ CPU of the groups whose name starts with {@code name} ÷ units, in µs (or ms when {@code millis}). */
    private static String perUnit(Snap a, Snap b, String name, long units, boolean micros) {
        if (units <= 0) {
            return "–";
        }
        double seconds = 0;
        for (String n : b.groups().keySet()) {
            if (n.startsWith(name)) {
                seconds += b.cpuSeconds(a, n);
            }
        }
        double us = seconds * 1e6 / units;
        return micros || us < 1000 ? String.format("%.0f µs", us) : String.format("%.2f ms", us / 1000);
    }

    /** CPU of every group, the machine's ticks and when (for Δ over a phase). */
    private record Snap(long nanos, Map<String, ProcStats.Sample> groups, long[] machine) {

        /**
         * The stack's groups with their descendants (PostgreSQL's backends); the bench's own processes (extra
         * gateways, generator parts — children of this one) each alone, so none is counted twice.
         */
        static Snap take(List<ProcStats.Group> groups) {
            List<ProcStats.Group> stack = groups.stream().filter(g -> !own(g)).toList();
            Map<String, ProcStats.Sample> out = new LinkedHashMap<>(ProcStats.sample(stack));
            for (ProcStats.Group g : groups) {
                if (own(g)) {
                    long cpu = ProcStats.cpuTicks(g.rootPid());
                    out.put(g.name(), new ProcStats.Sample(Math.max(0, cpu), ProcStats.rssKib(g.rootPid()),
                            cpu < 0 ? 0 : 1));
                }
            }
            return new Snap(System.nanoTime(), out, ProcStats.machineTicks());
        }

        private static boolean own(ProcStats.Group g) {
            return g.name().startsWith("generator") || g.name().startsWith("gateway-");
        }

        double cpuSeconds(Snap before, String name) {
            ProcStats.Sample a = before.groups.get(name);
            ProcStats.Sample b = groups.get(name);
            return a == null || b == null ? 0 : (b.cpuTicks() - a.cpuTicks()) / (double) ProcStats.CLK_TCK;
        }

        double cores(Snap before, String name) {
            return cpuSeconds(before, name) / ((nanos - before.nanos) / 1e9);
        }

        double machineCores(Snap before) {
            long busy = machine[0] - before.machine[0];
            long total = machine[1] - before.machine[1];
            return total == 0 ? 0 : busy / (double) total * Runtime.getRuntime().availableProcessors();
        }
    }

    /** presence-service's published transitions (all statuses) and its fold-lag p99 from {@code /q/metrics}. */
    private static Map<String, Double> presenceMetrics(int mgmtPort) {
        Map<String, Double> out = new TreeMap<>();
        try {
            String body = java.net.http.HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + mgmtPort + "/q/metrics")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            double transitions = 0;
            for (String line : body.split("\n")) {
                if (line.startsWith("parley_presence_transitions_total")) {
                    transitions += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                } else if (line.startsWith("parley_presence_fold_lag_seconds{quantile=\"0.99\"")) {
                    out.put("lag99", Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
                }
            }
            out.put("transitions", transitions);
        } catch (Exception e) {
            Fanout.log("b4: presence metrics not read: %s", e);
        }
        return out;
    }

    /** Peak RSS of every group, sampled every 2 s over the window. */
    private static final class Sampler implements AutoCloseable {
        private final Map<String, Long> peak = new ConcurrentHashMap<>();
        private final Thread thread;
        private volatile boolean closed;

        Sampler(List<ProcStats.Group> groups) {
            thread = Thread.ofPlatform().daemon().name("b4-rss").start(() -> {
                while (!closed) {
                    Snap.take(groups).groups().forEach((n, s) -> peak.merge(n, s.rssKib(), Math::max));
                    try {
                        Thread.sleep(2000);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }

        long peak(String name) {
            return peak.getOrDefault(name, 0L);
        }

        @Override
        public void close() {
            closed = true;
            thread.interrupt();
        }
    }

    // ---- coordination between the generator processes ---------------------------------------------------------

    /** Phases every part reaches before any goes on: {@code tokens}, {@code ramped}. */
    interface Phases {
        void reached(String phase) throws Exception;
    }

    /** A worker process seen from the coordinator: its stdout lines (logs, phases, results), its stdin (releases). */
    private static final class Remote {
        final int part;
        final Process process;
        final Writer in;
        final Map<String, CountDownLatch> phases = new ConcurrentHashMap<>();
        final CompletableFuture<PartResult> result = new CompletableFuture<>();

        Remote(int part, Process process) {
            this.part = part;
            this.process = process;
            this.in = process.outputWriter(StandardCharsets.UTF_8);
            Thread.ofPlatform().daemon().name("b4-worker-" + part).start(this::read);
        }

        CountDownLatch phase(String name) {
            return phases.computeIfAbsent(name, k -> new CountDownLatch(1));
        }

        private void read() {
            List<String> lines = new ArrayList<>();
            try (BufferedReader r = process.inputReader(StandardCharsets.UTF_8)) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.startsWith("@at ")) {
                        phase(line.substring(4).trim()).countDown();
                    } else if (line.startsWith("@r ")) {
                        lines.add(line.substring(3));
                    } else if (line.equals("@done")) {
                        result.complete(PartResult.decode(lines));
                    } else {
                        System.out.println("[part " + part + "] " + line);
                    }
                }
            } catch (Exception e) {
                result.completeExceptionally(e);
            }
            result.completeExceptionally(new IllegalStateException("worker " + part + " ended without a result"));
        }

        void release(String phase) throws IOException {
            in.write("go " + phase + "\n");
            in.flush();
        }

        PartResult result(int seconds) throws Exception {
            return result.get(seconds, TimeUnit.SECONDS);
        }
    }

    /** The coordinator's view: waits for its own part and every worker at a phase, then releases them all. */
    private static final class Barrier {
        private final List<Remote> remotes;
        private final Map<String, CountDownLatch> localReached = new ConcurrentHashMap<>();
        private final Map<String, CountDownLatch> localGo = new ConcurrentHashMap<>();

        Barrier(List<Remote> remotes) {
            this.remotes = remotes;
        }

        private CountDownLatch latch(Map<String, CountDownLatch> m, String phase) {
            return m.computeIfAbsent(phase, k -> new CountDownLatch(1));
        }

        Phases local() {
            return phase -> {
                latch(localReached, phase).countDown();
                if (!latch(localGo, phase).await(3600, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("never released from " + phase);
                }
            };
        }

        void await(String phase, CompletableFuture<PartResult> local, int seconds) throws Exception {
            long deadline = System.nanoTime() + seconds * 1_000_000_000L;
            while (!latch(localReached, phase).await(200, TimeUnit.MILLISECONDS)) {
                if (local.isDone()) {
                    local.get(); // throws the part's failure
                    throw new IllegalStateException("part 0 ended before " + phase);
                }
                check(deadline, phase);
            }
            for (Remote r : remotes) {
                while (!r.phase(phase).await(200, TimeUnit.MILLISECONDS)) {
                    if (r.result.isDone() || !r.process.isAlive()) {
                        throw new IllegalStateException("part " + r.part + " ended before " + phase);
                    }
                    check(deadline, phase);
                }
            }
            Fanout.log("b4: every part reached '%s'", phase);
        }

        private static void check(long deadline, String phase) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not every part reached " + phase + " in time");
            }
        }

        void release(String phase) throws IOException {
            for (Remote r : remotes) {
                r.release(phase);
            }
            latch(localGo, phase).countDown();
        }
    }

    /** A worker process: one part, phases over stdout/stdin, the result on stdout. Ends if the coordinator goes. */
    private static int worker(Map<String, String> o, Path home) throws Exception {
        Params p = Params.of(o);
        int part = Integer.parseInt(o.get("part"));
        List<Integer> ports = new ArrayList<>();
        for (String s : o.get("ports").split(",")) {
            ports.add(Integer.parseInt(s));
        }
        PrintStream out = System.out;
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        Phases phases = phase -> {
            synchronized (out) {
                out.println("@at " + phase);
                out.flush();
            }
            String line;
            while ((line = in.readLine()) != null) {
                if (line.equals("go " + phase)) {
                    return;
                }
            }
            System.exit(1); // the coordinator is gone
        };
        PartResult r = new Part(p, part, ports, home, phases, m -> {
            synchronized (out) {
                out.println(m);
            }
        }).run();
        synchronized (out) {
            r.encode().forEach(l -> out.println("@r " + l));
            out.println("@done");
            out.flush();
        }
        return 0;
    }

    // ---- results ---------------------------------------------------------------------------------------------

    /** Counters and latency histograms (µs) of one part; mergeable. */
    static final class PartResult {
        final Map<String, Long> counts = new TreeMap<>();
        final Map<String, Histogram> hists = new TreeMap<>();

        long count(String name) {
            return counts.getOrDefault(name, 0L);
        }

        Histogram hist(String name) {
            return hists.computeIfAbsent(name, k -> new Histogram(3));
        }

        String ms(String name, double percentile) {
            return Stats.ms(hist(name), percentile);
        }

        void add(PartResult other) {
            other.counts.forEach((k, v) -> counts.merge(k, v, Long::sum));
            other.hists.forEach((k, v) -> hist(k).add(v));
        }

        List<String> encode() {
            List<String> lines = new ArrayList<>();
            counts.forEach((k, v) -> lines.add("c " + k + " " + v));
            hists.forEach((k, h) -> {
                ByteBuffer buf = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
                int n = h.encodeIntoCompressedByteBuffer(buf, Deflater.BEST_SPEED);
                lines.add("h " + k + " " + Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buf.array(), n)));
            });
            return lines;
        }

        static PartResult decode(List<String> lines) throws Exception {
            PartResult r = new PartResult();
            for (String l : lines) {
                String[] f = l.split(" ", 3);
                if (f[0].equals("c")) {
                    r.counts.put(f[1], Long.parseLong(f[2]));
                } else {
                    r.hists.put(f[1], Histogram.decodeFromCompressedByteBuffer(
                            ByteBuffer.wrap(Base64.getDecoder().decode(f[2])), 0));
                }
            }
            return r;
        }
    }

    // ---- one generator part ----------------------------------------------------------------------------------

    private enum State { RAMP, STEADY, RELOADING, LEAVING, AWAY, ARRIVING }

    private static final class Member {
        final int idx;
        final String user;
        /** The open connections' handles (a WebSocket, or a connection id in the direct mode); null = closed. */
        final Object[] conns = new Object[2];
        State state = State.RAMP;
        /** Status as last announced to the watcher (from the snapshot, then presence.changed). */
        boolean online;
        int open;
        /** nanoTime / wall ms of the first connection open since the last close (0 = none yet). */
        long openedAt;
        long openedWall;
        /** An online announcement that arrived before the handshake's completion was seen here. */
        boolean onlineFirst;
        long closedAt;
        long closedWall;
        int retries;

        Member(int idx) {
            this.idx = idx;
            this.user = PREFIX + idx;
        }
    }

    /** A set of member indexes with O(1) add, remove and random pick. */
    private static final class IndexSet {
        private final int[] items;
        private final int[] pos;
        private int size;

        IndexSet(int capacity) {
            items = new int[capacity];
            pos = new int[capacity];
            java.util.Arrays.fill(pos, -1);
        }

        void add(int i) {
            if (pos[i] < 0) {
                items[size] = i;
                pos[i] = size++;
            }
        }

        void remove(int i) {
            int at = pos[i];
            if (at >= 0) {
                int last = items[--size];
                items[at] = last;
                pos[last] = at;
                pos[i] = -1;
            }
        }

        int pick() {
            return size == 0 ? -1 : items[ThreadLocalRandom.current().nextInt(size)];
        }
    }

    /**
     * The members {@code i} with {@code i % parts == part}, their connections and their watcher. Every state change
     * happens under this object's lock (a few thousand per second at most).
     */
    private static final class Part {
        private final Params p;
        private final int part;
        private final List<Integer> ports;
        private final Path home;
        private final Phases phases;
        private final Consumer<String> log;
        private final Member[] members;
        private final IndexSet steady;
        private final PartResult r = new PartResult();
        private Vertx vertx;
        private Link link;
        private volatile long windowStart = Long.MAX_VALUE;
        private volatile long windowEnd = Long.MAX_VALUE;
        private volatile boolean ramping = true;
        /** The run is over: connections ending now are ours, not the gateways'. */
        private volatile boolean closing;

        Part(Params p, int part, List<Integer> ports, Path home, Phases phases, Consumer<String> log) {
            this.p = p;
            this.part = part;
            this.ports = ports;
            this.home = home;
            this.phases = phases;
            this.log = log;
            int n = (p.members() - part + p.parts() - 1) / p.parts();
            members = new Member[n];
            for (int k = 0; k < n; k++) {
                members[k] = new Member(part + k * p.parts());
            }
            steady = new IndexSet(n);
        }

        private void log(String format, Object... args) {
            log.accept(String.format("%tT b4[%d]: %s", System.currentTimeMillis(), part, String.format(format, args)));
        }

        private synchronized void count(String name, long delta) {
            r.counts.merge(name, delta, Long::sum);
        }

        private synchronized void record(String hist, long micros) {
            r.hist(hist).recordValue(Math.max(0, micros));
        }

        private boolean inWindow(long t) {
            return t >= windowStart && t < windowEnd;
        }

        PartResult run() throws Exception {
            vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
            Properties sp = Bench.stackProperties(home);
            link = p.direct() ? new DirectLink(Integer.parseInt(sp.getProperty("kafka-port", "9092")))
                    : new WsLink(Integer.parseInt(sp.getProperty("issuer-port", "8090")));
            try {
                link.start();
                awaitOffline();
                phases.reached("tokens");
                ramp();
                phases.reached("ramped");
                churn();
                return r;
            } finally {
                closing = true;
                try {
                    link.close();
                } catch (Exception e) {
                    log("closing the connections failed: %s", e);
                }
                try {
                    vertx.close().toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
                } catch (Exception e) {
                    log("closing the connections took too long: %s", e);
                }
            }
        }

        // ---- what the watcher sees (a presence stream on a gateway, or the changes topic) ---------------------

        private int own(String ref) {
            if (!ref.startsWith("user:" + PREFIX)) {
                return -1;
            }
            try {
                int idx = Integer.parseInt(ref.substring(5 + PREFIX.length()));
                return idx < p.members() && idx % p.parts() == part ? idx / p.parts() : -1;
            } catch (NumberFormatException e) {
                return -1;
            }
        }

        /** A {@code presence.snapshot} envelope: the statuses before the run. */
        private synchronized void snapshot(String text) {
            try {
                for (JsonNode e : ParleyTarget.JSON.readTree(text).path("data").path("items")) {
                    known(e.path("ref").asText(), e.path("status").asText());
                }
            } catch (Exception e) {
                log("unreadable snapshot: %s", e);
            }
        }

        /** A member's status known before the run (snapshot, or the compacted changes topic read up to its end). */
        private synchronized void known(String ref, String status) {
            int k = own(ref);
            if (k >= 0) {
                members[k].online = !"offline".equals(status);
            }
        }

        private static String field(String text, String key) {
            int i = text.indexOf(key);
            return i < 0 ? null : text.substring(i + key.length(), text.indexOf('"', i + key.length()));
        }

        /** A {@code presence.changed} envelope (the same JSON on the WebSocket and in the changes topic). */
        private void changed(String text) {
            long now = System.nanoTime();
            long wall = System.currentTimeMillis();
            String ref = field(text, "\"ref\":\"");
            int k = ref == null ? -1 : own(ref);
            if (k < 0) {
                return;
            }
            String at = field(text, "\"at\":\"");
            String status = text.contains("\"status\":\"online\"") ? "online"
                    : text.contains("\"status\":\"offline\"") ? "offline" : "other";
            onChange(members[k], status, now, wall, at == null ? 0 : Instant.parse(at).toEpochMilli());
        }

        private synchronized void onChange(Member m, String status, long now, long wall, long at) {
            if (inWindow(now)) {
                count("transitionsInWindow", 1);
            }
            boolean online = status.equals("online");
            m.online = online;
            switch (m.state) {
                case RAMP -> {
                    if (online) {
                        count("rampOnlineSeen", 1);
                        if (m.openedAt > 0) {
                            record("rampOnline", (now - m.openedAt) / 1000);
                        } else {
                            m.onlineFirst = true;
                        }
                        maybeSteady(m);
                    }
                }
                case ARRIVING -> {
                    if (!online) {
                        flap(m, status);
                        return;
                    }
                    if (m.openedAt == 0) {
                        m.onlineFirst = true; // recorded as 0 when the handshake's completion is seen
                    } else if (inWindow(m.openedAt)) {
                        record("online", (now - m.openedAt) / 1000);
                        record("publishedOnline", (at - m.openedWall) * 1000);
                        record("delivered", (wall - at) * 1000);
                    }
                    maybeSteady(m);
                }
                case LEAVING -> {
                    if (online) {
                        flap(m, status);
                        return;
                    }
                    if (inWindow(m.closedAt)) {
                        record("offline", (now - m.closedAt - p.graceNanos()) / 1000);
                        record("publishedOffline", (at - m.closedWall) * 1000 - p.graceNanos() / 1000);
                        record("delivered", (wall - at) * 1000);
                    }
                    m.state = State.AWAY;
                    vertx.setTimer(jitter(p.away()), t -> arrive(m));
                }
                default -> flap(m, status); // STEADY, RELOADING, AWAY: no transition is due
            }
        }

        private void flap(Member m, String status) {
            count("flaps", 1);
            count("why:flap_" + m.state + "_" + status, 1);
        }

        // ---- connections --------------------------------------------------------------------------------------

        /** Opens the member's connection {@code slot} (gateway {@code slot}); completes when open or given up. */
        private Future<Void> open(Member m, int slot) {
            long start = System.nanoTime();
            Promise<Void> done = Promise.promise();
            link.open(m, slot, handle -> serverClosed(m, slot, handle)).onComplete(ar -> {
                long now = System.nanoTime();
                synchronized (this) {
                    if (ar.failed()) {
                        if (closing) {
                            done.tryComplete();
                            return;
                        }
                        count(ramping ? "rampFailed" : "openFailed", 1);
                        count("why:" + reason(ar.cause()), 1);
                        if (++m.retries <= 10) {
                            vertx.setTimer(500 + ThreadLocalRandom.current().nextLong(500),
                                    t -> open(m, slot).onComplete(done));
                        } else {
                            done.tryComplete();
                        }
                        return;
                    }
                    m.conns[slot] = ar.result();
                    m.open++;
                    record("handshake", (now - start) / 1000);
                    count(ramping ? "rampOpened" : "opened", 1);
                    if (inWindow(now)) {
                        count("changesInWindow", 1);
                    }
                    if (m.openedAt == 0) {
                        m.openedAt = now;
                        m.openedWall = System.currentTimeMillis();
                        if (m.onlineFirst && m.state == State.ARRIVING && inWindow(now)) {
                            record("online", 0);
                        }
                    }
                    maybeSteady(m);
                }
                done.tryComplete();
            });
            return done.future();
        }

        private static String reason(Object why) {
            String s = String.valueOf(why instanceof Throwable t ? t.getClass().getSimpleName() + ": " + t.getMessage()
                    : why);
            return s.replaceAll("[0-9]+", "N").replace(' ', '_');
        }

        /** A gateway ended one of our connections: counted, reopened after 1 s as a client would. */
        private synchronized void serverClosed(Member m, int slot, Object handle) {
            if (m.conns[slot] != handle || closing) {
                return; // we closed it
            }
            count("serverClosed", 1);
            if (handle instanceof WebSocket ws) {
                count("why:close_" + ws.closeStatusCode() + "_" + reason(ws.closeReason()), 1);
            }
            m.conns[slot] = null;
            m.open--;
            steady.remove(m.idx / p.parts());
            vertx.setTimer(1000, t -> open(m, slot));
        }

        private void maybeSteady(Member m) {
            if (m.open == 2 && m.online && m.state != State.LEAVING && m.state != State.AWAY) {
                m.state = State.STEADY;
                m.retries = 0;
                steady.add(m.idx / p.parts());
            }
        }

        /**
         * A run starts from offline members: members an earlier run left online (inside their grace) are waited for,
         * else a reconnect racing the end of their grace would count as a flap or a missed transition.
         */
        private void awaitOffline() throws InterruptedException {
            int online = onlineCount();
            if (online > 0) {
                log("%d members still online from an earlier run: waiting for their offline (≤ grace)", online);
                Waits.until(Duration.ofNanos(p.graceNanos()).plusSeconds(30), Duration.ofMillis(200),
                        () -> onlineCount() == 0);
                online = onlineCount();
            }
            count("onlineAtStart", online);
        }

        private synchronized int onlineCount() {
            int n = 0;
            for (Member m : members) {
                n += m.online ? 1 : 0;
            }
            return n;
        }

        private void ramp() throws Exception {
            double perSecond = p.rampRate() / (double) p.parts();
            log("ramping %d members (%d connections) at %.0f connections/s", members.length, 2 * members.length,
                    perSecond);
            long start = System.nanoTime();
            List<Future<Void>> inFlight = new ArrayList<>();
            for (int k = 0; k < members.length; k++) {
                long due = start + (long) (2L * k / perSecond * 1e9);
                long wait = (due - System.nanoTime()) / 1_000_000;
                if (wait > 0) {
                    Thread.sleep(wait);
                }
                inFlight.add(open(members[k], 0));
                inFlight.add(open(members[k], 1));
                if (inFlight.size() >= RAMP_WINDOW) { // a closed loop: never a queue of handshakes at a gateway
                    ParleyTarget.await(Future.all(inFlight), 300);
                    inFlight.clear();
                }
            }
            ParleyTarget.await(Future.all(inFlight), 300);
            log("%d connections open after %.1f s; waiting for every member's online", 2 * members.length,
                    (System.nanoTime() - start) / 1e9);
            Waits.until(Duration.ofSeconds(120), Duration.ofMillis(100), () -> steadyCount() >= members.length);
            synchronized (this) {
                count("rampNotSteady", members.length - steady.size);
                for (Member m : members) {
                    if (m.state == State.RAMP) { // never announced (or a connection failed): treat as steady anyway
                        m.online = true;
                        maybeSteady(m);
                    }
                }
                ramping = false;
            }
            log("ramped in %.1f s", (System.nanoTime() - start) / 1e9);
        }

        private synchronized int steadyCount() {
            return steady.size;
        }

        private long jitter(double seconds) {
            return Math.max(1, (long) (seconds * 1000 * (0.5 + ThreadLocalRandom.current().nextDouble())));
        }

        private void churn() throws Exception {
            double perSecond = p.cyclesPerSecond() / p.parts();
            long start = System.nanoTime();
            windowStart = start + p.warmup() * 1_000_000_000L;
            windowEnd = windowStart + p.duration() * 1_000_000_000L;
            log("churning: %.1f member cycles/s (%.0f connection changes/s), window after %d s", perSecond,
                    4 * perSecond, p.warmup());
            long[] started = {0};
            long tick = vertx.setPeriodic(20, t -> {
                long now = System.nanoTime();
                if (now >= windowEnd) {
                    return;
                }
                long due = (long) ((now - start) / 1e9 * perSecond);
                synchronized (this) {
                    while (started[0] < due) {
                        started[0]++;
                        startCycle(now);
                    }
                }
            });
            long watchdog = vertx.setPeriodic(1000, t -> overdue());
            sleepUntil(windowEnd);   // the churn's window: a schedule, not a condition
            Waits.until(Duration.ofNanos(p.graceNanos()).plusSeconds(30), Duration.ofMillis(200), () -> pending() == 0);
            vertx.cancelTimer(tick);
            vertx.cancelTimer(watchdog);
            count("pendingAtEnd", pending());
            log("churn done: %d cycles, %d pending at the end", started[0], pending());
        }

        /** Changes inside the window whose transition has not been seen yet. */
        private synchronized int pending() {
            int n = 0;
            for (Member m : members) {
                if ((m.state == State.LEAVING && inWindow(m.closedAt))
                        || (m.state == State.ARRIVING && m.openedAt > 0 && inWindow(m.openedAt))) {
                    n++;
                }
            }
            return n;
        }

        private void startCycle(long now) {
            int k = steady.pick();
            if (k < 0) {
                count("skipped", 1);
                return;
            }
            Member m = members[k];
            steady.remove(k);
            boolean leave = ThreadLocalRandom.current().nextDouble() < p.leave();
            count(leave ? "cyclesLeave" : "cyclesReload", 1);
            m.closedAt = now;
            m.closedWall = System.currentTimeMillis();
            m.openedAt = 0;
            m.onlineFirst = false;
            for (int s = 0; s < 2; s++) {
                Object handle = m.conns[s];
                m.conns[s] = null;
                if (handle != null) {
                    link.close(handle);
                    if (inWindow(now)) {
                        count("changesInWindow", 1);
                    }
                }
            }
            m.open = 0;
            if (leave) {
                m.state = State.LEAVING;
            } else {
                m.state = State.RELOADING;
                vertx.setTimer(jitter(p.reloadGap()), t -> {
                    open(m, 0);
                    open(m, 1);
                });
            }
        }

        private void arrive(Member m) {
            synchronized (this) {
                m.state = State.ARRIVING;
                m.openedAt = 0;
                m.onlineFirst = false;
            }
            open(m, 0);
            open(m, 1);
        }

        /** Transitions that never came: counted, and the member moves on. */
        private synchronized void overdue() {
            long now = System.nanoTime();
            for (Member m : members) {
                if (m.state == State.LEAVING && now - m.closedAt > p.graceNanos() + 30_000_000_000L) {
                    count("missedOffline", 1);
                    m.state = State.AWAY;
                    vertx.setTimer(1, t -> arrive(m));
                } else if (m.state == State.ARRIVING && m.openedAt > 0 && now - m.openedAt > 30_000_000_000L
                        && m.open == 2) {
                    count("missedOnline", 1);
                    m.online = true;
                    maybeSteady(m);
                }
            }
        }

        // ---- how connections are made -------------------------------------------------------------------------

        /** Real WebSocket connections through the gateways, or connection events straight into Kafka. */
        private interface Link extends AutoCloseable {
            /** Before the ramp: credentials, and the watcher (feeding {@link #snapshot}/{@link #known}/{@link #changed}). */
            void start() throws Exception;

            /** Opens one connection; its handle when open; {@code serverClosed} gets it if the other side ends it. */
            Future<Object> open(Member m, int slot, Consumer<Object> serverClosed);

            /** Closes one connection (the client's side of a churn). */
            void close(Object handle);
        }

        /** WebSocket {@code /api/ws} with {@code bearer.<jwt>}; connection {@code slot} goes to gateway {@code slot}. */
        private final class WsLink implements Link {
            private final int issuerPort;
            private Clients clients;
            private HttpClient watcherClient;
            private ParleyTarget parley;

            WsLink(int issuerPort) {
                this.issuerPort = issuerPort;
            }

            @Override
            public void start() throws Exception {
                // sources 127.0.0.(20 + 4·part) and the next: apart from each other and from other workloads' .2, .3 …
                clients = new Clients(vertx, 20 + 4 * part, 2, members.length * 2 + 10, 60);
                watcherClient = vertx.createHttpClient(new HttpClientOptions().setLocalAddress("127.0.0.1")
                        .setMaxWebSocketFrameSize(64 << 20).setMaxWebSocketMessageSize(64 << 20));
                parley = new ParleyTarget(clients, "127.0.0.1", ports.get(0), p.tenant(), List.of(), new Stats());
                List<String> users = new ArrayList<>();
                for (Member m : members) {
                    users.add(m.user);
                }
                String watcher = PREFIX + "watcher-" + part;
                users.add(watcher);
                new TokenCache(parley, issuerPort, p.tenant(), part).load(users);
                watch(ports.get(part % ports.size()), parley.token(watcher));
            }

            private WebSocketConnectOptions options(int port, String token) {
                return new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/api/ws")
                        .setSubProtocols(List.of("parley.v1", "bearer." + token)).setTimeout(60_000)
                        .setAllowOriginHeader(false); // a non-browser client: no Origin (API.md §2)
            }

            private void watch(int port, String token) throws Exception {
                Promise<Void> ready = Promise.promise();
                watcherClient.webSocket(options(port, token)).onFailure(ready::tryFail).onSuccess(ws -> {
                    ws.closeHandler(v -> {
                        if (!closing) { // counted (its events are lost meanwhile), and back after 1 s
                            log("the watcher's connection closed (%s %s); reconnecting", ws.closeStatusCode(),
                                    ws.closeReason());
                            count("watcherLost", 1);
                            vertx.setTimer(1000, t -> vertx.executeBlocking(() -> {
                                watch(port, token);
                                return null;
                            }, false));
                        }
                    });
                    ws.textMessageHandler(text -> {
                        if (text.startsWith("{\"op\"")) {
                            if (text.startsWith("{\"op\":\"error\"")) {
                                ready.tryFail(text);
                            }
                            return;
                        }
                        if (text.contains("\"presence.snapshot\"")) {
                            snapshot(text);
                            ready.tryComplete();
                        } else if (text.contains("\"presence.changed\"")) {
                            changed(text);
                        }
                    });
                    ws.writeTextMessage("{\"op\":\"subscribe\",\"stream\":\"presence\"}");
                });
                ParleyTarget.await(ready.future(), 120);
            }

            @Override
            public Future<Object> open(Member m, int slot, Consumer<Object> serverClosed) {
                return clients.stream().webSocket(options(ports.get(slot % ports.size()), parley.token(m.user)))
                        .map(ws -> {
                            ws.closeHandler(v -> serverClosed.accept(ws));
                            return ws;
                        });
            }

            @Override
            public void close(Object handle) {
                ((WebSocket) handle).close();
            }

            @Override
            public void close() {
                if (clients != null) {
                    clients.close();
                    watcherClient.close();
                }
            }
        }

        /**
         * No gateway: this part acts as two gateways ({@code bench-direct-a}/{@code -b}, heartbeats every 5 s) and
         * produces {@code connect}/{@code disconnect} events into {@code parley.presence.connections.v1} exactly as
         * a gateway does (key = tenant, header {@code parley-type} = kind); the watcher reads
         * {@code parley.presence.changes.v1} (first up to its end, as the statuses before the run). So presence
         * -service and Kafka are all that is measured.
         */
        private final class DirectLink implements Link {
            private static final String CONNECTIONS = "parley.presence.connections.v1";
            private static final String CHANGES = "parley.presence.changes.v1";
            /** Per run: connections a killed run left open die with its gateways' heartbeats, never reused. */
            private final String[] gateways;
            /** Connections this link opened and has not closed, so that all are closed at the end. */
            private final java.util.Set<String> live = new java.util.HashSet<>();
            private final KafkaProducer<String, byte[]> producer;
            private final KafkaConsumer<String, byte[]> consumer;
            private final java.util.concurrent.atomic.AtomicLong ids = new java.util.concurrent.atomic.AtomicLong();
            private boolean stopped;
            private volatile boolean reading = true;
            private Thread reader;
            private long heartbeats = -1;

            DirectLink(int kafkaPort) {
                String run = Long.toString(System.currentTimeMillis() / 1000 % 100_000) + "-" + part;
                gateways = new String[] {"bench-direct-a-" + run, "bench-direct-b-" + run};
                String bootstrap = "127.0.0.1:" + kafkaPort;
                producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                        ProducerConfig.LINGER_MS_CONFIG, 1, ProducerConfig.ACKS_CONFIG, "all"),
                        new StringSerializer(), new ByteArraySerializer());
                consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(),
                        new ByteArrayDeserializer());
            }

            @Override
            public void start() throws Exception {
                heartbeat();
                heartbeats = vertx.setPeriodic(5000, t -> heartbeat());
                List<TopicPartition> all = consumer.partitionsFor(CHANGES, Duration.ofSeconds(30)).stream()
                        .map(i -> new TopicPartition(CHANGES, i.partition())).toList();
                consumer.assign(all);
                consumer.seekToBeginning(all);
                Map<TopicPartition, Long> ends = consumer.endOffsets(all);
                CountDownLatch caughtUp = new CountDownLatch(1);
                reader = Thread.ofPlatform().daemon().name("b4-changes-" + part).start(() -> {
                    while (reading) {
                        for (var record : consumer.poll(Duration.ofMillis(100))) {
                            if (record.value() == null) {
                                continue;
                            }
                            String text = new String(record.value(), StandardCharsets.UTF_8);
                            if (record.offset() < ends.get(new TopicPartition(CHANGES, record.partition()))) {
                                String ref = field(text, "\"ref\":\"");
                                String status = field(text, "\"status\":\"");
                                if (ref != null && status != null) {
                                    known(ref, status);
                                }
                            } else {
                                changed(text);
                            }
                        }
                        if (caughtUp.getCount() > 0
                                && all.stream().allMatch(tp -> consumer.position(tp) >= ends.get(tp))) {
                            caughtUp.countDown();
                        }
                    }
                    consumer.close();
                });
                if (!caughtUp.await(120, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the changes topic was not read to its end in 120 s");
                }
            }

            private void heartbeat() {
                for (String g : gateways) {
                    send(g, "heartbeat", "{\"kind\":\"heartbeat\",\"gateway\":\"" + g + "\",\"at\":\"" + now()
                            + "\"}");
                }
            }

            private String now() {
                return Instant.ofEpochMilli(System.currentTimeMillis()).toString();
            }

            private void send(String key, String kind, String json) {
                ProducerRecord<String, byte[]> record = new ProducerRecord<>(CONNECTIONS, key,
                        json.getBytes(StandardCharsets.UTF_8));
                record.headers().add("parley-type", kind.getBytes(StandardCharsets.UTF_8));
                producer.send(record, (md, e) -> {
                    if (e != null) {
                        count("why:produce_" + reason(e), 1);
                    }
                });
            }

            private void event(String kind, String handle) {
                // handle = <gateway>|<connection id>|<user>
                String[] h = handle.split("\\|");
                send(p.tenant(), kind, "{\"kind\":\"" + kind + "\",\"gateway\":\"" + h[0] + "\",\"connection\":\""
                        + h[1] + "\",\"tenant\":\"" + p.tenant() + "\",\"ref\":\"user:" + h[2] + "\",\"name\":\""
                        + h[2].toUpperCase() + "\",\"at\":\"" + now() + "\"}");
            }

            @Override
            public synchronized Future<Object> open(Member m, int slot, Consumer<Object> serverClosed) {
                if (stopped) {
                    return Future.failedFuture("the run is over");
                }
                String handle = gateways[slot % 2] + "|d" + part + "-" + ids.incrementAndGet() + "|" + m.user;
                event("connect", handle);
                live.add(handle);
                return Future.succeededFuture(handle);
            }

            @Override
            public synchronized void close(Object handle) {
                if (live.remove(handle)) {
                    event("disconnect", (String) handle);
                }
            }

            @Override
            public void close() throws Exception {
                if (heartbeats >= 0) {
                    vertx.cancelTimer(heartbeats);
                }
                synchronized (this) { // like a gateway closing every connection when it stops
                    stopped = true;
                    live.forEach(h -> event("disconnect", h));
                    live.clear();
                }
                producer.flush();
                producer.close(Duration.ofSeconds(10));
                reading = false;
                if (reader != null) {
                    reader.join(5000);
                }
            }
        }
    }

    // ---- tokens ----------------------------------------------------------------------------------------------

    /**
     * Tokens of the part's members kept in {@code bench/target/b4-tokens/} per issuer key (the devstack issuer makes
     * a new key at each start) and reused while they have ≥ 30 minutes left: {@code POST /dev/token} signs RS256 on
     * two threads, so 10,000 fresh tokens take minutes on a busy machine.
     */
    private record TokenCache(ParleyTarget parley, int issuerPort, String tenant, int part) {

        void load(List<String> users) throws Exception {
            String jwks = java.net.http.HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + issuerPort + "/issuer/jwks")).timeout(Duration.ofSeconds(10))
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
            String key = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(jwks.getBytes(StandardCharsets.UTF_8))).substring(0, 12);
            Path file = Path.of("bench/target/b4-tokens/" + tenant + "-" + key + "-part" + part + ".properties");
            Properties cached = new Properties();
            if (Files.exists(file)) {
                try (var in = Files.newBufferedReader(file)) {
                    cached.load(in);
                }
            }
            long minExp = Instant.now().plus(Duration.ofMinutes(30)).getEpochSecond();
            int reused = 0;
            for (String u : users) {
                String t = cached.getProperty(u);
                if (t != null && exp(t) > minExp) {
                    parley.tokens.put(u, t);
                    reused++;
                }
            }
            long start = System.nanoTime();
            parley.fetchTokens(users);
            Properties now = new Properties();
            users.forEach(u -> now.setProperty(u, parley.token(u)));
            Files.createDirectories(file.getParent());
            try (var out = Files.newBufferedWriter(file)) {
                now.store(out, "b4 tokens for tenant " + tenant);
            }
            Fanout.log("b4[%d]: %d tokens (%d reused, %d fetched in %.1f s)", part, users.size(), reused,
                    users.size() - reused, (System.nanoTime() - start) / 1e9);
        }

        private static long exp(String jwt) {
            try {
                String[] parts = jwt.split("\\.");
                return ParleyTarget.JSON.readTree(Base64.getUrlDecoder().decode(parts[1])).path("exp").asLong();
            } catch (Exception e) {
                return 0;
            }
        }
    }
}
