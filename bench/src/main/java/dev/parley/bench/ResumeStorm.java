package dev.parley.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.Duration;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import org.HdrHistogram.Histogram;

/**
 * B6 resume storm: two extra gateway processes A and B (the devstack gateway's exact command line, other ports, own
 * instance ids) in front of the same services and Kafka. N subscribers (half SSE, half WS) on A, posts through B;
 * A is killed with SIGKILL; each client reconnects to B resuming after its last seq (WS {@code after}, SSE
 * {@code Last-Event-ID}). Measures the time until every client is re-subscribed on B, and gaps and duplicates by seq
 * over the whole run (must be 0). The devstack's own gateway is left alone.
 */
final class ResumeStorm {

    private ResumeStorm() {
    }

    static int run(Map<String, String> o, Path home, Path reports, String command) throws Exception {
        int n = Bench.intOpt(o, "clients", 1000);
        int rate = Bench.intOpt(o, "rate", 10);
        int before = Bench.intOpt(o, "before", 10);
        int after = Bench.intOpt(o, "after", 15);
        List<ProcStats.Group> stack = ProcStats.stackGroups(home);
        ProcStats.Group gw = stack.stream().filter(g -> g.name().equals("gateway") && ProcStats.alive(g.rootPid()))
                .findFirst().orElse(null);
        if (gw == null) {
            System.err.println("no running gateway recorded in " + home.resolve("run") + " — run ./parley up");
            return 1;
        }
        Properties sp = Bench.stackProperties(home);
        int basePort = Integer.parseInt(sp.getProperty("gateway-port", "8080"));
        int baseMgmt = Integer.parseInt(sp.getProperty("gateway-mgmt-port", "9080"));
        int portA = basePort + 100;
        int portB = basePort + 200;
        String machine = Report.machine(command, stack);
        Process a = ExtraGateway.start(gw.rootPid(), "a", portA, baseMgmt + 100);
        Process b = ExtraGateway.start(gw.rootPid(), "b", portB, baseMgmt + 200);
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(Bench.intOpt(o, "loops", 2)));
        Clients clients = new Clients(vertx, Math.max(1, (2 * n + 9_999) / 10_000), 2 * n + 10, rate + 10);
        Stats stats = new Stats();
        List<Sub> subs = new ArrayList<>();
        long[] resumedAt = new long[n];
        Resumes r = new Resumes();
        AtomicInteger resumed = r.resumed();
        long killAt;
        long allResumedAt = -1;
        AtomicLongArray maxSeq = new AtomicLongArray(1);
        AtomicInteger inFlight = new AtomicInteger();
        boolean drained = false;
        try {
            ExtraGateway.awaitReady(baseMgmt + 100, 180);
            ExtraGateway.awaitReady(baseMgmt + 200, 180);
            Fanout.log("b6: gateways A :%d and B :%d ready", portA, portB);
            ParleyTarget parley = new ParleyTarget(clients, "127.0.0.1", portB, o.getOrDefault("tenant", "bench"),
                    stack, stats);
            parley.setup("b6-" + Instant.now().getEpochSecond(), 1, n, rate);
            for (int i = 0; i < n; i++) {
                subs.add(new Sub(0, i, i % 2 == 1));
            }
            Runnable[] onCloseA = new Runnable[n];
            for (int i = 0; i < n; i++) {
                final int idx = i;
                onCloseA[i] = () -> resume(vertx, parley, subs.get(idx), portB, idx, resumedAt, r, 0);
            }
            // WS first: their `subscribed` frame gives the head the SSE subscribers start from
            for (boolean sse : new boolean[] {false, true}) {
                List<Future<Void>> batch = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    if (subs.get(i).sse == sse) {
                        batch.add(parley.connect(subs.get(i), portA, -1, onCloseA[i]));
                        if (batch.size() >= 100) {
                            ParleyTarget.await(Future.all(batch), 180);
                            batch.clear();
                        }
                    }
                }
                ParleyTarget.await(Future.all(batch), 180);
            }
            Fanout.log("b6: %d clients on A; posting %d/s through B", n, rate);
            String pad = "x".repeat(200);
            long postingEnds = System.nanoTime() + (before + after + 60L) * 1_000_000_000L;
            stats.windowStart = System.nanoTime();
            List<Long> timers = new ArrayList<>();
            for (int k = 0; k < rate; k++) {
                final int poster = k;
                timers.add(vertx.setPeriodic(ThreadLocalRandom.current().nextLong(1, 1000), 1000,
                        t -> Fanout.post(parley, stats, 0, poster, pad, maxSeq, inFlight, postingEnds)));
            }
            Thread.sleep(before * 1000L);
            killAt = System.nanoTime();
            Fanout.log("b6: killing gateway A (pid %d, SIGKILL)", a.pid());
            a.destroyForcibly();
            a.waitFor(10, TimeUnit.SECONDS);
            if (Waits.until(Duration.ofSeconds(60), Duration.ofMillis(50), () -> resumed.get() == n)) {
                allResumedAt = Arrays.stream(resumedAt).max().orElse(killAt);
            }
            Fanout.log("b6: %d/%d resumed on B", resumed.get(), n);
            Thread.sleep(after * 1000L);
            timers.forEach(vertx::cancelTimer);
            stats.windowEnd = System.nanoTime();
            drained = Waits.until(Duration.ofSeconds(20), Duration.ofMillis(100), () -> inFlight.get() == 0
                    && subs.stream().allMatch(s -> s.lastSeq >= maxSeq.get(0)));
        } finally {
            r.stopping().set(true);
            clients.close();
            vertx.close();
            ExtraGateway.stop(a);
            ExtraGateway.stop(b);
        }
        long head = maxSeq.get(0);
        for (Sub s : subs) {
            head = Math.max(head, s.lastSeq);
        }
        long missing = 0;
        long holes = 0;
        int[] behind = new int[2];   // clients not at the head after the drain: [WS, SSE]
        long dups = 0;
        long reordered = 0;
        for (Sub s : subs) {
            missing += s.missing(head);
            holes += s.holes();
            if (s.lastSeq < head) {
                behind[s.sse ? 1 : 0]++;
            }
            dups += s.duplicates;
            reordered += s.reordered;
        }
        Histogram resume = new Histogram(3);
        for (long t : resumedAt) {
            if (t > 0) {
                resume.recordValue(Math.max(0, (t - killAt) / 1000));
            }
        }
        double allResumedS = allResumedAt < 0 ? Double.NaN : (allResumedAt - killAt) / 1e9;
        Report report = new Report("B6 — resume storm: " + n + " clients on gateway A, A killed, resume on B");
        report.line(machine);
        report.line("Gateways A (:" + portA + ") and B (:" + portB + ") are extra processes started by the bench with "
                + "the devstack gateway's exact command line (ports and instance id changed); half the clients SSE "
                + "(resume with `Last-Event-ID`), half WebSocket (resume with `subscribe` + `after`). " + rate
                + " posts/s through B for " + before + " s before the kill and " + after + " s after it; A is killed "
                + "with SIGKILL (a crash, no 1001). A client reconnects as soon as its connection ends; a refused "
                + "reconnect is retried after 100–300 ms, and a resumed connection B ends is resumed again from its "
                + "last seq (API.md §2). Gaps split into holes (a seq missing below one the client got: lost) and "
                + "tail (not yet delivered when the 20 s drain ended).\n");
        report.table(List.of("measure", "value"), List.of(
                List.of("clients", String.valueOf(n)),
                List.of("resumed on B", resumed.get() + " / " + n),
                List.of("**time until all resumed**", "**" + (Double.isNaN(allResumedS) ? "not all resumed in 60 s"
                        : String.format("%.2f s", allResumedS)) + "**"),
                List.of("resume time p50 / p99 / max", Stats.ms(resume, 50) + " / " + Stats.ms(resume, 99) + " / "
                        + Stats.ms(resume, 100) + " ms after the kill"),
                List.of("reconnect attempts (refused)", r.attempts().get() + " (" + r.failed().get() + ")"),
                List.of("resumed connections B ended (1013) and the client resumed again", String.valueOf(
                        r.closedByB().get())),
                List.of("posts 201", stats.postsOk.sum() + "; errors " + stats.postErrors),
                List.of("gaps (missing seqs)", String.valueOf(missing)),
                List.of("… holes (behind a client's last seq: lost) / tail (after it: not caught up by the drain's "
                        + "end)", holes + " / " + (missing - holes)),
                List.of("clients short of the head after the drain: WS / SSE", behind[0] + " / " + behind[1]),
                List.of("duplicates", String.valueOf(dups)),
                List.of("reordered", String.valueOf(reordered)),
                List.of("all delivered after the drain", String.valueOf(drained)),
                List.of("post→deliver p50 / p99 / max (whole run)", Stats.ms(stats.deliver, 50) + " / "
                        + Stats.ms(stats.deliver, 99) + " / " + Stats.ms(stats.deliver, 100) + " ms")));
        report.line("### Targets (issue #10)\n");
        report.table(List.of("target", "goal", "measured", "met"), List.of(
                List.of("all resumed", "≤ 10 s", Double.isNaN(allResumedS) ? "–" : String.format("%.2f s", allResumedS),
                        Bench.yes(allResumedS <= 10)),
                List.of("gaps", "0", String.valueOf(missing), Bench.yes(missing == 0)),
                List.of("duplicates", "0", String.valueOf(dups), Bench.yes(dups == 0))));
        Path file = report.write(reports, o.getOrDefault("label", "b6-" + n + "clients"));
        System.out.println(report);
        System.out.println("report: " + file);
        return missing == 0 && dups == 0 && resumed.get() == n ? 0 : 3;
    }

    /** Counters of the resume phase (any thread). */
    private record Resumes(AtomicInteger resumed, AtomicInteger attempts, AtomicInteger failed,
                           AtomicInteger closedByB, AtomicBoolean stopping) {
        Resumes() {
            this(new AtomicInteger(), new AtomicInteger(), new AtomicInteger(), new AtomicInteger(),
                    new AtomicBoolean());
        }
    }

    /**
     * Resumes {@code sub} on B after its last seq, as API.md §2 asks of a client: a refused attempt is retried after
     * 100–300 ms, and a connection B ends (1013: the replay was unavailable, or the client fell behind) is resumed
     * again from the last seq it got. Only the first successful resume counts for the resume time.
     */
    private static void resume(Vertx vertx, ParleyTarget parley, Sub sub, int portB, int idx, long[] resumedAt,
                               Resumes r, int attempt) {
        if (attempt >= 100 || r.stopping().get()) {
            return;
        }
        r.attempts().incrementAndGet();
        long from = sub.lastSeq > 0 ? sub.lastSeq : sub.base;
        Runnable again = () -> vertx.setTimer(100 + ThreadLocalRandom.current().nextLong(200),
                t -> resume(vertx, parley, sub, portB, idx, resumedAt, r, attempt + 1));
        parley.connect(sub, portB, from, () -> {
            if (!r.stopping().get()) {
                r.closedByB().incrementAndGet();
                again.run();
            }
        }).onComplete(ar -> {
            if (ar.succeeded()) {
                if (resumedAt[idx] == 0) {
                    resumedAt[idx] = System.nanoTime();
                    r.resumed().incrementAndGet();
                }
            } else {
                r.failed().incrementAndGet();
                again.run();
            }
        });
    }
}
