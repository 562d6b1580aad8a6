package dev.parley.bench;

import java.util.BitSet;

/**
 * One subscriber connection's view of its room stream: which seqs after {@code base} it saw (a BitSet, so a
 * duplicate and a reordering are told apart), and the latency of each delivery. Touched only by the event-loop
 * thread of its connection.
 */
final class Sub {

    final int room;
    final boolean sse;
    final int user;
    volatile long base = -1;
    private final BitSet seen = new BitSet();
    private long last;
    long received;
    long duplicates;
    long reordered;
    volatile boolean open;
    volatile long lastSeq;

    Sub(int room, int user, boolean sse) {
        this.room = room;
        this.user = user;
        this.sse = sse;
    }

    /** One message envelope (the text of a WS frame or an SSE data line). */
    void onEnvelope(String text, Stats stats) {
        long now = System.nanoTime();
        if (text.indexOf("message.created") < 0) {
            return;
        }
        long seq = longAfter(text, "\"seq\":");
        if (seq < 0) {
            return;
        }
        if (base < 0) {
            base = seq - 1;
        }
        int bit = (int) (seq - base);
        if (bit <= 0) {
            duplicates++;
        } else if (seen.get(bit)) {
            duplicates++;
        } else {
            seen.set(bit);
            received++;
            if (seq < last) {
                reordered++;
            }
        }
        if (seq > last) {
            last = seq;
            lastSeq = seq;
        }
        stats.delivered(now, longAfter(text, "\"sentAt\":"));
    }

    /** Seqs in (base, lastSeq] this subscriber never saw: holes behind what it already got (a real loss). */
    long holes() {
        return base < 0 ? 0 : missing(lastSeq);
    }

    /** Seqs in (base, head] this subscriber never saw. */
    long missing(long head) {
        if (base < 0) {
            return 0;
        }
        long expected = head - base;
        return expected <= 0 ? 0 : expected - seen.get(1, (int) expected + 1).cardinality();
    }

    static long longAfter(String s, String key) {
        int i = s.indexOf(key);
        if (i < 0) {
            return -1;
        }
        i += key.length();
        while (i < s.length() && s.charAt(i) == ' ') {
            i++;
        }
        long v = 0;
        boolean any = false;
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                break;
            }
            v = v * 10 + (c - '0');
            any = true;
        }
        return any ? v : -1;
    }
}
