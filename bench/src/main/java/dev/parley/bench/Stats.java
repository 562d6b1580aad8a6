package dev.parley.bench;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/** Counters and latency histograms of one run (microseconds). Deliveries count only inside the window. */
final class Stats {

    final ConcurrentHistogram deliver = new ConcurrentHistogram(3);
    final ConcurrentHistogram post = new ConcurrentHistogram(3);
    final LongAdder deliveredTotal = new LongAdder();
    final LongAdder deliveredInWindow = new LongAdder();
    final LongAdder postsOk = new LongAdder();
    final LongAdder postsInWindow = new LongAdder();
    final Map<String, LongAdder> postErrors = new ConcurrentHashMap<>();
    /** Subscriptions refused (503) during the connect phase and retried. */
    volatile int subscribeRetries;
    volatile long windowStart = Long.MAX_VALUE;
    volatile long windowEnd = Long.MAX_VALUE;

    void delivered(long now, long sentAt) {
        deliveredTotal.increment();
        if (now >= windowStart && now < windowEnd) {
            deliveredInWindow.increment();
        }
        if (sentAt >= windowStart && sentAt < windowEnd) {
            deliver.recordValue(Math.max(0, (now - sentAt) / 1000));
        }
    }

    void posted(long startedAt, long now) {
        postsOk.increment();
        if (startedAt >= windowStart && startedAt < windowEnd) {
            postsInWindow.increment();
            post.recordValue(Math.max(0, (now - startedAt) / 1000));
        }
    }

    void postError(String what) {
        postErrors.computeIfAbsent(what, k -> new LongAdder()).increment();
    }

    static String ms(Histogram h, double percentile) {
        if (h.getTotalCount() == 0) {
            return "–";
        }
        long us = percentile >= 100 ? h.getMaxValue() : h.getValueAtPercentile(percentile);
        return String.format("%.1f", us / 1000.0);
    }
}
