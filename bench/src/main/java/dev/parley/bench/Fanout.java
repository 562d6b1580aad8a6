package dev.parley.bench;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The room fan-out engine behind B1 and B2 (and the Socket.IO reference): R rooms × S subscribers (every other one
 * SSE, the rest WebSocket; the reference is WebSocket only), P posters per room each posting at a fixed rate, a
 * warm-up, a measured window, then a drain until every subscriber has the last seq (or 20 s).
 */
final class Fanout {

    record Params(String workload, int rooms, int subsPerRoom, int postersPerRoom, double ratePerPoster,
                  int warmupSeconds, int durationSeconds, int contentChars, boolean sse) {

        int subscribers() {
            return rooms * subsPerRoom;
        }

        double postsPerSecond() {
            return rooms * postersPerRoom * ratePerPoster;
        }
    }

    record Result(Params params, String target, double setupSeconds, double connectSeconds, double windowSeconds,
                  long deliveriesInWindow, long deliveriesTotal, long postsOk, long postsInWindow,
                  Map<String, Long> postErrors, long missing, long duplicates, long reordered, int closed,
                  long expectedPerSubscriberMax, Map<String, ProcStats.Sample> cpuStart, Map<String, ProcStats.Sample> cpuEnd,
                  Map<String, Long> peakRssKib, long generatorTicks, long generatorRssKib, long machineBusyTicks,
                  long machineTotalTicks, List<String> serverNames, Stats stats, boolean drained) {

        long serverTicks() {
            long t = 0;
            for (String n : serverNames) {
                t += cpuEnd.get(n).cpuTicks() - cpuStart.get(n).cpuTicks();
            }
            return t;
        }

        double serverMicrosPerDelivery() {
            return deliveriesInWindow == 0 ? Double.NaN
                    : serverTicks() * (1e6 / ProcStats.CLK_TCK) / deliveriesInWindow;
        }

        double deliveriesPerSecond() {
            return deliveriesInWindow / windowSeconds;
        }

        /** Share of one core a group used in the window (1.0 = a whole core). */
        double cores(String name) {
            return (cpuEnd.get(name).cpuTicks() - cpuStart.get(name).cpuTicks()) / (double) ProcStats.CLK_TCK
                    / windowSeconds;
        }

        double generatorCores() {
            return generatorTicks / (double) ProcStats.CLK_TCK / windowSeconds;
        }

        double machineCores() {
            return machineBusyTicks / (double) ProcStats.CLK_TCK / windowSeconds;
        }
    }

    private Fanout() {
    }

    static Result run(Target target, Clients clients, Params p, Stats stats, String runId) throws Exception {
        return run(target, clients, p, stats, runId, () -> { });
    }

    /** {@code atWindowStart} runs once the warm-up is over (e.g. starts the profiler). */
    static Result run(Target target, Clients clients, Params p, Stats stats, String runId, Runnable atWindowStart)
            throws Exception {
        long t0 = System.nanoTime();
        log("%s/%s: setting up %d room(s), %d subscribers, %d posters", p.workload(), target.name(), p.rooms(),
                p.subscribers(), p.rooms() * p.postersPerRoom());
        target.setup(runId, p.rooms(), p.subsPerRoom(), p.postersPerRoom());
        double setup = (System.nanoTime() - t0) / 1e9;

        List<Sub> subs = new ArrayList<>();
        for (int r = 0; r < p.rooms(); r++) {
            for (int i = 0; i < p.subsPerRoom(); i++) {
                subs.add(new Sub(r, i, p.sse() && target.supportsSse() && i % 2 == 1));
            }
        }
        long t1 = System.nanoTime();
        // WebSocket subscribers first: their `subscribed` frame tells the head the SSE ones resume after.
        stats.subscribeRetries = connectAll(target, subs.stream().filter(s -> !s.sse).toList())
                + connectAll(target, subs.stream().filter(s -> s.sse).toList());
        double connect = (System.nanoTime() - t1) / 1e9;
        log("%s/%s: %d subscribers connected in %.1f s (%d retries)", p.workload(), target.name(), subs.size(),
                connect, stats.subscribeRetries);

        AtomicLongArray maxSeq = new AtomicLongArray(p.rooms());
        AtomicInteger inFlight = new AtomicInteger();
        String pad = "x".repeat(Math.max(1, p.contentChars()));
        long periodMs = Math.max(1, Math.round(1000 / p.ratePerPoster()));
        long totalMs = (p.warmupSeconds() + p.durationSeconds()) * 1000L;
        long postersStart = System.nanoTime();
        long postingEnds = postersStart + totalMs * 1_000_000L;
        List<Long> timers = new ArrayList<>();
        for (int r = 0; r < p.rooms(); r++) {
            for (int k = 0; k < p.postersPerRoom(); k++) {
                final int room = r;
                final int poster = k;
                long initial = 1 + ThreadLocalRandom.current().nextLong(periodMs);
                clients.postLoop.setTimer(initial, first -> {
                    post(target, stats, room, poster, pad, maxSeq, inFlight, postingEnds);
                    long id = clients.postLoop.setPeriodic(periodMs,
                            tid -> post(target, stats, room, poster, pad, maxSeq, inFlight, postingEnds));
                    synchronized (timers) {
                        timers.add(id);
                    }
                });
            }
        }
        List<ProcStats.Group> groups = new ArrayList<>(target.allGroups());
        long self = ProcessHandle.current().pid();
        Thread.sleep(p.warmupSeconds() * 1000L);
        Map<String, ProcStats.Sample> cpuStart = ProcStats.sample(groups);
        long genStart = ProcStats.cpuTicks(self);
        long[] machineStart = ProcStats.machineTicks();
        long windowStart = System.nanoTime();
        stats.windowStart = windowStart;
        atWindowStart.run();
        log("%s/%s: warm-up done, measuring %d s", p.workload(), target.name(), p.durationSeconds());
        Map<String, Long> peakRss = new java.util.LinkedHashMap<>();
        long windowEndAt = windowStart + p.durationSeconds() * 1_000_000_000L;
        while (System.nanoTime() < windowEndAt) {
            Thread.sleep(Math.min(2000, Math.max(1, (windowEndAt - System.nanoTime()) / 1_000_000)));
            ProcStats.sample(groups).forEach((n, s) -> peakRss.merge(n, s.rssKib(), Math::max));
            log("  %s/%s: %d delivered, %d posted, p99 %s ms", p.workload(), target.name(),
                    stats.deliveredInWindow.sum(), stats.postsInWindow.sum(), Stats.ms(stats.deliver, 99));
        }
        long windowEnd = System.nanoTime();
        stats.windowEnd = windowEnd;
        Map<String, ProcStats.Sample> cpuEnd = ProcStats.sample(groups);
        long genEnd = ProcStats.cpuTicks(self);
        long[] machineEnd = ProcStats.machineTicks();
        double window = (windowEnd - windowStart) / 1e9;

        // stop posting, wait for in-flight posts, then drain until every open subscriber has its room's last seq
        synchronized (timers) {
            timers.forEach(clients.postLoop::cancelTimer);
        }
        boolean drained = Waits.until(Duration.ofSeconds(20), Duration.ofMillis(100), () -> inFlight.get() == 0
                && System.nanoTime() > postingEnds
                && subs.stream().allMatch(s -> !s.open || s.lastSeq >= maxSeq.get(s.room)));
        long missing = 0;
        long dups = 0;
        long reordered = 0;
        int closed = 0;
        long[] head = new long[p.rooms()];
        for (Sub s : subs) {
            head[s.room] = Math.max(head[s.room], Math.max(maxSeq.get(s.room), s.lastSeq));
        }
        long expectedMax = 0;
        for (Sub s : subs) {
            missing += s.missing(head[s.room]);
            dups += s.duplicates;
            reordered += s.reordered;
            if (!s.open) {
                closed++;
            }
            expectedMax = Math.max(expectedMax, head[s.room] - s.base);
        }
        Map<String, Long> errors = new java.util.TreeMap<>();
        stats.postErrors.forEach((k, v) -> errors.put(k, v.sum()));
        log("%s/%s: window %.1f s, %d deliveries (%.0f/s), missing %d, duplicates %d, closed %d", p.workload(),
                target.name(), window, stats.deliveredInWindow.sum(), stats.deliveredInWindow.sum() / window, missing,
                dups, closed);
        return new Result(p, target.name(), setup, connect, window, stats.deliveredInWindow.sum(),
                stats.deliveredTotal.sum(), stats.postsOk.sum(), stats.postsInWindow.sum(), errors, missing, dups,
                reordered, closed, expectedMax, cpuStart, cpuEnd, peakRss, genEnd - genStart,
                ProcStats.rssKib(self), machineEnd[0] - machineStart[0], machineEnd[1] - machineStart[1],
                target.serverGroups().stream().map(ProcStats.Group::name).toList(), stats, drained);
    }

    static void post(Target target, Stats stats, int room, int poster, String pad, AtomicLongArray maxSeq,
                             AtomicInteger inFlight, long postingEnds) {
        long start = System.nanoTime();
        if (start >= postingEnds) {
            return;
        }
        String body = "{\"content\":\"" + pad + "\",\"metadata\":{\"sentAt\":" + start + "}}";
        inFlight.incrementAndGet();
        target.post(room, poster, body).onComplete(ar -> {
            inFlight.decrementAndGet();
            if (ar.succeeded()) {
                stats.posted(start, System.nanoTime());
                long seq = ar.result();
                maxSeq.accumulateAndGet(room, seq, Math::max);
            } else {
                String m = String.valueOf(ar.cause().getMessage());
                stats.postError(m.startsWith("HTTP") ? m : ar.cause().getClass().getSimpleName());
            }
        });
    }

    /**
     * Connects in batches of 100. A refused subscription (an owner answering 503 under the load of the others) is
     * retried after 200–700 ms, as a real client would, up to 10 times; returns how many retries it took.
     */
    static int connectAll(Target target, List<Sub> subs) throws Exception {
        int batch = 100;
        int retries = 0;
        for (int i = 0; i < subs.size(); i += batch) {
            List<Sub> todo = subs.subList(i, Math.min(subs.size(), i + batch));
            for (int attempt = 0; !todo.isEmpty(); attempt++) {
                List<Future<Void>> fs = new ArrayList<>();
                for (Sub s : todo) {
                    fs.add(target.connect(s));
                }
                ParleyTarget.await(Future.join(fs).otherwiseEmpty(), 180);
                List<Sub> failed = new ArrayList<>();
                for (int j = 0; j < todo.size(); j++) {
                    if (fs.get(j).failed()) {
                        if (attempt == 10) {
                            throw new IllegalStateException("subscribing failed 10 times: " + fs.get(j).cause());
                        }
                        failed.add(todo.get(j));
                    }
                }
                retries += failed.size();
                if (!failed.isEmpty()) {
                    Thread.sleep(200 + java.util.concurrent.ThreadLocalRandom.current().nextInt(500));
                }
                todo = failed;
            }
        }
        return retries;
    }

    static void log(String format, Object... args) {
        System.out.printf("%tT %s%n", System.currentTimeMillis(), String.format(format, args));
    }
}
