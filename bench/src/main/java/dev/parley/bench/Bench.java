package dev.parley.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The load generator (its own process): {@code java -jar bench/target/bench.jar <workload> [--key=value ...]}.
 * Targets only 127.0.0.0/8; every loop is bounded in count and time. See bench/README.md.
 */
public final class Bench {

    /** Held so the level sticks (loggers are weakly referenced). */
    private static final java.util.logging.Logger VERTX_LOG = java.util.logging.Logger.getLogger("io.vertx");

    private Bench() {
    }

    static final String USAGE = """
            usage: java -jar bench/target/bench.jar <b1|b2|b3|b4|b5|b6> [options]
              b1  room fan-out: one room, --subscribers (1000, half SSE half WS), --rate posts/s (20) for --duration s (60)
              b2  many rooms: --rooms (200) × --per-room (10) subscribers, one poster per room at --rate-per-poster (1/s)
              b3  connection capacity: --connections (gateway open-file limit − 500) idle WS with a ping every
                  --keepalive s (20), --idle s (30) of idle CPU, then one channel broadcast
              b4  presence churn: --members (10000) × 2 WS over --gateways (2) gateways and --parts (2) generator
                  processes, --churn (0.05) of connections per second (--leave 0.25 of them past the grace, the rest
                  reload), --ramp-rate (1000/s), --duration s (60), --grace s (30, the service's offline-grace);
                  --direct: presence-service alone (connection events straight into Kafka)
              b5  shared sessions: --sessions (100) × --watchers (3), live PUT --live-rate/s (10), --signal-rate/s (20)
              b6  resume storm: two extra gateways A and B, --clients (1000) on A, --rate posts/s (10) through B,
                  A killed (SIGKILL) after --before s (10), then --after s (15) on B
            options: --warmup=10 --size=200 (content characters) --reference (also run against Socket.IO, print ratios)
                     --home=.parley --reports=bench/reports --sources=4 (loopback source addresses) --tenant=bench
                     --loops=2 (generator event loops) --label=<report name suffix> --reference-only
                     --pin-gateway=<cpu list> (taskset the gateway, e.g. 0, for the run; unpinned after)
                     --profile[=30] (async-profiler on the gateway for that many s from the window start)
                     --direct (the gateway's delivery path alone: envelopes produced straight into Kafka, no REST/DB)
            """;

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || args[0].startsWith("-")) {
            System.out.print(USAGE);
            System.exit(2);
        }
        VERTX_LOG.setLevel(java.util.logging.Level.OFF); // "Connection was closed" at shutdown is expected
        String workload = args[0].toLowerCase();
        Map<String, String> o = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unknown argument " + a + "\n" + USAGE);
            }
            int eq = a.indexOf('=');
            o.put(eq < 0 ? a.substring(2) : a.substring(2, eq), eq < 0 ? "true" : a.substring(eq + 1));
        }
        String command = "java -jar bench/target/bench.jar " + String.join(" ", args);
        Path home = Path.of(o.getOrDefault("home", ".parley"));
        Path reports = Path.of(o.getOrDefault("reports", "bench/reports"));
        int code;
        try {
            code = switch (workload) {
                case "b1", "b2" -> fanout(workload, o, home, reports, command);
                case "b6" -> ResumeStorm.run(o, home, reports, command);
                case "b3" -> Capacity.run(o, home, reports, command);
                case "b5" -> SharedSessions.run(o, home, reports, command);
                case "b4" -> PresenceChurn.run(o, home, reports, command);
                
                default -> {
                    System.out.println(workload + " is not implemented (see bench/README.md)\n" + USAGE);
                    yield 2;
                }
            };
        } catch (Exception e) {
            e.printStackTrace();
            code = 1;
        }
        System.exit(code);
    }

    static int intOpt(Map<String, String> o, String key, int def) {
        return Integer.parseInt(o.getOrDefault(key, String.valueOf(def)));
    }

    static Properties stackProperties(Path home) throws Exception {
        Properties p = new Properties();
        Path f = home.resolve("run/stack.properties");
        if (Files.exists(f)) {
            try (var in = Files.newBufferedReader(f)) {
                p.load(in);
            }
        }
        return p;
    }

    static int fanout(String workload, Map<String, String> o, Path home, Path reports, String command) throws Exception {
        int warmup = intOpt(o, "warmup", 10);
        int duration = intOpt(o, "duration", 60);
        int size = intOpt(o, "size", 200);
        Fanout.Params params;
        if (workload.equals("b1")) {
            int subs = intOpt(o, "subscribers", 1000);
            int rate = intOpt(o, "rate", 20);
            // the gateway allows 20 posts per 10 s per member: one poster per post/s
            params = new Fanout.Params("b1", 1, subs, rate, 1.0, warmup, duration, size, true);
        } else {
            params = new Fanout.Params("b2", intOpt(o, "rooms", 200), intOpt(o, "per-room", 10), 1,
                    Double.parseDouble(o.getOrDefault("rate-per-poster", "1")), warmup, duration, size, true);
        }
        String label = o.getOrDefault("label", workload + (o.containsKey("direct") ? "-direct" : "") + "-"
                + params.subscribers() + "subs-" + Math.round(params.postsPerSecond()) + "pps");
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(intOpt(o, "loops", 2)));
        int sources = intOpt(o, "sources", Math.max(1, (params.subscribers() + 9_999) / 10_000));
        Clients clients = new Clients(vertx, sources, params.subscribers() + 10,
                (int) Math.min(500, params.rooms() * params.postersPerRoom() + 10));
        String runId = workload + "-" + Instant.now().getEpochSecond();
        List<Fanout.Result> results = new ArrayList<>();
        String referenceFailure = null;
        List<ProcStats.Group> stack = ProcStats.stackGroups(home);
        String machine = Report.machine(command, stack);
        try {
            if (!o.containsKey("reference-only")) {
                if (stack.stream().noneMatch(g -> g.name().equals("gateway") && ProcStats.alive(g.rootPid()))) {
                    System.err.println("no running gateway recorded in " + home.resolve("run") + " — run ./parley up");
                    return 1;
                }
                Properties sp = stackProperties(home);
                int port = Integer.parseInt(o.getOrDefault("gateway-port", sp.getProperty("gateway-port", "8080")));
                Stats stats = new Stats();
                ParleyTarget parley = new ParleyTarget(clients, "127.0.0.1", port, o.getOrDefault("tenant", "bench"),
                        stack, stats);
                if (o.containsKey("direct")) {
                    DirectTarget direct = new DirectTarget(parley, o.getOrDefault("tenant", "bench"),
                            Integer.parseInt(sp.getProperty("kafka-port", "19092")));
                    try {
                        results.add(Fanout.run(direct, clients, params, stats, runId));
                    } finally {
                        direct.close();
                    }
                } else {
                    Runnable profile = () -> { };
                    if (o.containsKey("profile")) {
                        long gw = stack.stream().filter(g -> g.name().equals("gateway")).findFirst().orElseThrow()
                                .rootPid();
                        int secs = Math.min(duration, Integer.parseInt(o.get("profile").equals("true") ? "30"
                                : o.get("profile")));
                        Path out = reports.resolve(java.time.LocalDate.now(java.time.ZoneOffset.UTC) + "-" + label
                                + "-profile");
                        profile = () -> {
                            try {
                                Files.createDirectories(reports);
                                new ProcessBuilder("bench/profile.sh", String.valueOf(gw), String.valueOf(secs),
                                        out.toString()).redirectErrorStream(true)
                                        .redirectOutput(Path.of(out + ".md").toFile()).start();
                            } catch (Exception e) {
                                System.err.println("profiler not started: " + e);
                            }
                        };
                    }
                    String pin = o.get("pin-gateway");
                    long gwPid = stack.stream().filter(g -> g.name().equals("gateway")).findFirst().orElseThrow()
                            .rootPid();
                    if (pin != null) {
                        Report.sh("taskset -a -p -c " + pin + " " + gwPid);
                    }
                    try {
                        results.add(Fanout.run(parley, clients, params, stats, runId, profile));
                    } finally {
                        if (pin != null) {
                            Report.sh("taskset -a -p -c 0-" + (Runtime.getRuntime().availableProcessors() - 1) + " "
                                    + gwPid);
                        }
                    }
                }
            }
            if (o.containsKey("reference") || o.containsKey("reference-only")) {
                clients.close();
                clients = new Clients(vertx, sources, params.subscribers() + 10,
                        (int) Math.min(500, params.rooms() * params.postersPerRoom() + 10));
                Stats stats = new Stats();
                ReferenceTarget ref = new ReferenceTarget(clients, Path.of(o.getOrDefault("reference-dir",
                        "bench/reference")), intOpt(o, "reference-port", 3300), stats);
                try {
                    results.add(Fanout.run(ref, clients, params, stats, runId));
                } catch (Exception e) {
                    System.err.println("the Socket.IO reference run failed: " + e);
                    referenceFailure = String.valueOf(e);
                } finally {
                    ref.close();
                }
            }
        } finally {
            clients.close();
            vertx.close();
        }
        Report report = new Report(workload.toUpperCase() + " — " + (workload.equals("b1") ? "room fan-out" : "many rooms")
                + ": " + params.rooms() + " room(s) × " + params.subsPerRoom() + " subscribers, "
                + Math.round(params.postsPerSecond()) + " posts/s");
        report.line(machine);
        if (o.containsKey("pin-gateway")) {
            report.line("The gateway was pinned to CPU " + o.get("pin-gateway") + " (`taskset -a -p`) for this run.\n");
        }
        report.line("Content " + size + " characters + `metadata.sentAt` (generator nanoTime); posters post 1 message/s "
                + "each (the gateway's post limit is 20 per 10 s per member). Subscribers: every other one SSE "
                + "(`?after=<head>`), the rest WebSocket; the Socket.IO reference has WebSocket subscribers only. "
                + "Loss/duplicates are checked per subscriber over every seq after its start, warm-up and drain "
                + "included; rates, CPU and latencies only over the window.\n");
        for (Fanout.Result r : results) {
            report.line("## " + r.target() + "\n");
            report.table(List.of("measure", "value"), Report.results(r));
            report.table(List.of("process", "procs", "CPU (of one core)", "RSS at end", "peak RSS"),
                    Report.processes(r));
            if (!r.target().equals("socket.io")) {
                report.line("### Targets (issue #10)\n");
                report.table(List.of("target", "goal", "measured", "met"), targets(r));
            }
        }
        if (referenceFailure != null) {
            report.line("## Socket.IO reference\n\nThe reference run failed: `" + referenceFailure + "`\n");
        }
        if (results.size() == 2) {
            Fanout.Result p = results.get(0);
            Fanout.Result s = results.get(1);
            report.line("## Parley ÷ Socket.IO reference\n");
            report.table(List.of("measure", "Parley", "Socket.IO", "ratio"), List.of(
                    List.of("server CPU µs per delivery", String.format("%.2f", p.serverMicrosPerDelivery()),
                            String.format("%.2f", s.serverMicrosPerDelivery()),
                            String.format("%.2f×", p.serverMicrosPerDelivery() / s.serverMicrosPerDelivery())),
                    List.of("whole stack CPU (cores)", Report.f1(stackCores(p)), Report.f1(stackCores(s)),
                            String.format("%.2f×", stackCores(p) / stackCores(s))),
                    List.of("deliveries/s", Report.f0(p.deliveriesPerSecond()), Report.f0(s.deliveriesPerSecond()),
                            String.format("%.2f×", p.deliveriesPerSecond() / s.deliveriesPerSecond())),
                    List.of("post→deliver p99 (ms)", Stats.ms(p.stats().deliver, 99), Stats.ms(s.stats().deliver, 99),
                            ratio(p.stats().deliver.getValueAtPercentile(99), s.stats().deliver.getValueAtPercentile(99))),
                    List.of("POST→201 p99 (ms)", Stats.ms(p.stats().post, 99), Stats.ms(s.stats().post, 99),
                            ratio(p.stats().post.getValueAtPercentile(99), s.stats().post.getValueAtPercentile(99)))));
        }
        if (o.containsKey("profile")) {
            report.line("## Profile\n\nasync-profiler (CPU, 1 ms) on the gateway from the window start: `"
                    + java.time.LocalDate.now(java.time.ZoneOffset.UTC) + "-" + label + "-profile.md` (summary; the "
                    + "collapsed stacks next to it are the flame-graph input, not committed).\n");
        }
        Path file = report.write(reports, label);
        System.out.println(report);
        System.out.println("report: " + file);
        boolean ok = results.stream().allMatch(r -> r.missing() == 0 && r.duplicates() == 0);
        return ok ? 0 : 3;
    }

    static String ratio(long a, long b) {
        return b == 0 ? "–" : String.format("%.2f×", a / (double) b);
    }

    static double stackCores(Fanout.Result r) {
        double c = 0;
        for (String n : r.cpuEnd().keySet()) {
            c += r.cores(n);
        }
        return c;
    }

    static List<List<String>> targets(Fanout.Result r) {
        double offered = r.params().subscribers() * r.params().postsPerSecond() / r.params().rooms();
        double us = r.serverMicrosPerDelivery();
        long p99 = r.stats().deliver.getValueAtPercentile(99);
        long post99 = r.stats().post.getValueAtPercentile(99);
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("deliveries/s sustained", "≥ " + Report.f0(offered), Report.f0(r.deliveriesPerSecond()),
                yes(r.deliveriesPerSecond() >= offered * 0.98)));
        rows.add(List.of("lost", "0", String.valueOf(r.missing()), yes(r.missing() == 0)));
        rows.add(List.of("duplicated", "0", String.valueOf(r.duplicates()), yes(r.duplicates() == 0)));
        rows.add(List.of("gateway CPU per delivery", "≤ 8 µs (goal 5)", String.format("%.2f µs", us),
                yes(us <= 8) + (us <= 5 ? " (goal met)" : "")));
        rows.add(List.of("post→deliver p99", "≤ 50 ms", Stats.ms(r.stats().deliver, 99) + " ms", yes(p99 <= 50_000)));
        rows.add(List.of("POST→201 p99", "≤ 10 ms", Stats.ms(r.stats().post, 99) + " ms", yes(post99 <= 10_000)));
        return rows;
    }

    static String yes(boolean b) {
        return b ? "yes" : "**no**";
    }
}
