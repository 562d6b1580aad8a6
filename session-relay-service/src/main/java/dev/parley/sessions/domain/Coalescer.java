package dev.parley.sessions.domain;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Latest-wins coalescing per key, rate-limited per key, flushed for all keys together on a shared time grid (ADR 0053,
 * ADR 0055). Pure logic on explicit times (epoch milliseconds), so it is tested without clocks; not thread-safe (the
 * caller serialises).
 * <ul>
 *   <li>An offered item replaces its key's pending item (latest wins).</li>
 *   <li>A key is rate-limited by a virtual-scheduling limiter (GCRA) with a tolerance of one {@code window} and an
 *       emission interval of 4/5 of it: a faster writer is cut to about one item per window (exactly 1.25), its
 *       newest item winning. The headroom is what lets a writer at exactly one item per window through without
 *       delay: a limiter with none keeps the debt of any stall of the writer forever (after one pause of more than a
 *       window, every later write waited most of a window: the B5 benchmark's {@code live.updated} p50 of 50–66 ms).
 *       With it, a stall's debt drains by a fifth of a window per write. An item that ends the key's activity
 *       ({@code last}: the turn ended) is released at the next flush regardless.</li>
 *   <li>Flushes happen only on multiples of {@code grid}: an item waits at most {@code grid} beyond the moment it may
 *       leave, and the items of all keys due in the same grid step leave together (one Kafka request instead of one
 *       per item).</li>
 *   <li>With nothing pending no flush is needed; a quiet key is forgotten at a later flush.</li>
 * </ul>
 *
 * @param <T> the item (a {@code live.updated} with its origin)
 */
public final class Coalescer<T> {

    private final long window;
    /** The GCRA emission interval: 4/5 of the window (see the class comment for why not the window itself). */
    private final long emission;
    private final long grid;
    private final Map<String, Slot<T>> slots = new HashMap<>();

    private static final class Slot<T> {
        /** The theoretical time of the next release (GCRA); a release is allowed from one window before it. */
        long tat = Long.MIN_VALUE / 2;
        T pending;
        boolean last;

        long allowedFrom(long window) {
            return tat - window;
        }
    }

    public Coalescer(long windowMillis, long gridMillis) {
        if (windowMillis < 0 || gridMillis < 1) {
            throw new IllegalArgumentException("window >= 0 and grid >= 1 ms");
        }
        this.window = windowMillis;
        this.emission = windowMillis * 4 / 5;
        this.grid = gridMillis;
    }

    /** Offers a key's newest item at {@code now}; returns when a flush must run for it (a grid step after now). */
    public long offer(String key, T item, boolean last, long now) {
        Slot<T> slot = slots.computeIfAbsent(key, k -> new Slot<>());
        slot.pending = item;
        slot.last = last;
        return flushTime(last ? now : slot.allowedFrom(window), now);
    }

    /** The items that may leave at {@code now} (in no particular order). */
    public List<T> flush(long now) {
        List<T> due = new ArrayList<>();
        for (Iterator<Slot<T>> it = slots.values().iterator(); it.hasNext(); ) {
            Slot<T> slot = it.next();
            if (slot.pending != null && (slot.last || now >= slot.allowedFrom(window))) {
                due.add(slot.pending);
                slot.pending = null;
                slot.tat = Math.max(slot.tat, now) + emission;
                if (slot.last) {
                    it.remove();
                    continue;
                }
            }
            if (slot.pending == null && now >= slot.tat) {
                it.remove();   // as good as new: its next item may leave at once
            }
        }
        return due;
    }

    /** When the next flush must run after one at {@code now}; empty when nothing is pending. */
    public OptionalLong next(long now) {
        long next = Long.MAX_VALUE;
        for (Slot<T> slot : slots.values()) {
            if (slot.pending != null) {
                next = Math.min(next, slot.last ? now : slot.allowedFrom(window));
            }
        }
        return next == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(flushTime(next, now));
    }

    /** Keys remembered (pending, or released within the window). */
    public int size() {
        return slots.size();
    }

    /** The first grid step strictly after {@code now} and not before {@code due}. */
    private long flushTime(long due, long now) {
        long t = Math.max(due, now + 1);
        return Math.ceilDiv(t, grid) * grid;
    }
}
