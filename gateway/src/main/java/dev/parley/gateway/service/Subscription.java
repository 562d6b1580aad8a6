package dev.parley.gateway.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.events.EventTypes;
import dev.parley.events.Json;
import dev.parley.events.StreamKey;
import dev.parley.events.StreamName;
import dev.parley.gateway.domain.StreamFailure;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * One connection's subscription to one stream: delivers latest values, the replay from the owner's log and the
 * live tail in {@code seq} order with no gap and no duplicate (ADR 0012). Runs on the connection's context only.
 * <p>
 * It registers for live events <em>before</em> asking the owner where the stream stands, buffers the live tail
 * while it replays, and drops at the seam whatever it already delivered. A live {@code seq} that jumps ahead of the
 * last delivered one is filled from the log first.
 */
public final class Subscription {

    /** Live events buffered while replaying; a subscriber that piles up more is too slow. */
    static final int MAX_PENDING = 10_000;

    private final Connection connection;
    private final StreamName name;
    private final StreamKey key;
    private final Streams streams;
    private final Deque<OutboundEvent> pending = new ArrayDeque<>();
    /** Last seq delivered (durable streams). */
    private long last;
    private boolean ready;
    private boolean catchingUp;
    private boolean ended;

    Subscription(Connection connection, StreamName name, StreamKey key, Streams streams) {
        this.connection = connection;
        this.name = name;
        this.key = key;
        this.streams = streams;
    }

    public StreamName name() {
        return name;
    }

    public StreamKey key() {
        return key;
    }

    public Connection connection() {
        return connection;
    }

    public long last() {
        return last;
    }

    /** The owner authorized it and it started: only then may it carry {@code typing} and {@code signal}. */
    public boolean started() {
        return ready && !ended();
    }

    boolean ended() {
        return ended || connection.isClosed();
    }

    void end() {
        ended = true;
        pending.clear();
        if (reauthorizeTimer >= 0) {
            connection.context().owner().cancelTimer(reauthorizeTimer);
            reauthorizeTimer = -1;
        }
    }

    /** Timer of the periodic re-authorization (rooms and sessions), or -1. */
    private long reauthorizeTimer = -1;

    /**
     * Asks the owner again, every {@code reauthorize-interval}, whether the caller may still read a room or session
     * (membership can end without this gateway seeing the event, after a consumer restart): a 404 ends it like a
     * {@code member.removed} does. An owner that cannot answer changes nothing; the next check asks again.
     */
    private void scheduleReauthorization(long intervalMillis) {
        if (intervalMillis <= 0 || (name.kind() != StreamName.Kind.ROOM && name.kind() != StreamName.Kind.SESSION)) {
            return;
        }
        long delay = intervalMillis + java.util.concurrent.ThreadLocalRandom.current().nextLong(intervalMillis / 10 + 1);
        reauthorizeTimer = connection.context().owner().setTimer(delay, t -> connection.context().runOnContext(v -> {
            reauthorizeTimer = -1;
            if (ended()) {
                return;
            }
            streams.owners().info(name, connection.token()).onComplete(r -> connection.context().runOnContext(x -> {
                if (ended()) {
                    return;
                }
                if (r.failed() && r.cause() instanceof StreamFailure f && f.status() == 404) {
                    streams.revoke(this);
                } else {
                    scheduleReauthorization(intervalMillis);
                }
            }));
        }));
    }

    /** The owner authorized the stream: send latest values, replay from {@code after} (null: live only), go live. */
    void start(OwnerClient.StreamInfo info, Long after) {
        if (ended()) {
            return;
        }
        for (JsonNode latest : info.latest()) {
            connection.writeEnvelope(latest);
        }
        scheduleReauthorization(streams.reauthorizeIntervalMillis());
        if (!name.durable()) {
            ready = true;
            drain();
            return;
        }
        long head = info.head() == null ? 0 : info.head();
        if (after == null || after >= head) {
            last = after == null ? head : after;
            ready = true;
            drain();
        } else {
            last = after;
            ready = true;
            catchUp();
        }
    }

    /** A live event for this stream (on the connection's context). */
    void onLive(OutboundEvent event) {
        if (ended()) {
            return;
        }
        if (!ready || catchingUp) {
            if (pending.size() >= MAX_PENDING) {
                streams.slowConsumer(connection);
                return;
            }
            pending.add(event);
            return;
        }
        deliver(event);
    }

    private void deliver(OutboundEvent event) {
        Long seq = event.seq();
        if (seq == null || !name.durable()) {
            if (isEcho(event)) {
                return;
            }
            write(event);
            return;
        }
        if (seq <= last) {
            return;
        }
        if (seq > last + 1) {
            pending.addFirst(event);
            catchUp();
            return;
        }
        last = seq;
        write(event);
        streams.afterDelivered(this, event.type(), event.value());
    }

    /**
     * Only the caller's own {@code typing} and {@code signal} are not echoed (contract §2): every other event,
     * {@code live.updated} included, reaches the writer's other tabs and devices.
     */
    private boolean isEcho(OutboundEvent event) {
        return (EventTypes.TYPING.equals(event.type()) || EventTypes.SIGNAL.equals(event.type()))
                && connection.isOwn(event.origin());
    }

    private void write(OutboundEvent event) {
        connection.writeShared(event);
        streams.written(connection);
    }

    /** Fills from the owner's log everything after {@link #last} up to its head, then drains the live buffer. */
    private void catchUp() {
        if (catchingUp || ended()) {
            return;
        }
        catchingUp = true;
        streams.replayRequested();
        fetch(0);
    }

    private void fetch(int pagesWithoutProgress) {
        streams.replaySlot(connection, () -> fetchPage(pagesWithoutProgress));
    }

    private void fetchPage(int pagesWithoutProgress) {
        long from = last;
        streams.owners().events(name, from, connection.token()).onComplete(result -> connection.context()
                .runOnContext(v -> {
                    streams.replayDone(connection);
                    if (ended()) {
                        return;
                    }
                    if (result.failed()) {
                        Throwable e = result.cause();
                        if (e instanceof StreamFailure f && f.status() == 404) {
                            streams.revoke(this);
                        } else {
                            // the owner is unreachable: the client resumes later from its last seq
                            connection.close(CloseCodes.TRY_AGAIN_LATER, "replay unavailable");
                        }
                        return;
                    }
                    OwnerClient.EventPage page = result.result();
                    boolean reset = false;
                    for (JsonNode item : page.items()) {
                        if (EventTypes.RESET.equals(item.path("type").asText())) {
                            connection.writeEnvelope(item);
                            last = Math.max(last, item.path("data").path("head").asLong(last));
                            reset = true;
                            continue;
                        }
                        long seq = item.path("seq").asLong(-1);
                        if (seq > last) {
                            last = seq;
                            connection.writeEnvelope(item);
                            streams.afterDelivered(this, item.path("type").asText(), Json.bytes(item));
                            if (ended()) {
                                return;
                            }
                        }
                    }
                    boolean wasReset = reset;
                    if (connection.overflowing()) {
                        // paced by the client's reading: the next page waits until the buffer drains; a client
                        // that does not read within the grace is too slow (1013), holding at most one page more
                        long grace = connection.context().owner().setTimer(streams.replayDrainGraceMillis(),
                                t -> connection.context().runOnContext(x -> {
                                    if (!ended() && connection.overflowing()) {
                                        streams.slowConsumer(connection);
                                    }
                                }));
                        connection.whenDrained(() -> {
                            connection.context().owner().cancelTimer(grace);
                            if (!ended()) {
                                afterPage(page, from, wasReset, pagesWithoutProgress);
                            }
                        });
                        return;
                    }
                    afterPage(page, from, wasReset, pagesWithoutProgress);
                }));
    }

    /** After a replay page was written: the next page, or the live tail. */
    private void afterPage(OwnerClient.EventPage page, long from, boolean reset, int pagesWithoutProgress) {
        boolean progressed = last > from;
        if (!reset && progressed && last < page.head()) {
            fetch(0);
            return;
        }
        catchingUp = false;
        if (!progressed && !reset) {
            // the log has nothing after `last` yet: accept the next live event even if it jumps
            OutboundEvent next = pending.peekFirst();
            if (next != null && next.seq() != null && next.seq() > last + 1 && pagesWithoutProgress > 0) {
                last = next.seq() - 1;
            } else if (next != null && next.seq() != null && next.seq() > last + 1) {
                catchingUp = true;
                connection.context().owner().setTimer(200, t -> connection.context()
                        .runOnContext(x -> fetch(pagesWithoutProgress + 1)));
                return;
            }
        }
        drain();
    }

    /** Delivers the buffered live tail, then flushes (live writes are left unflushed, ADR 0016). */
    private void drain() {
        while (!pending.isEmpty() && !catchingUp && !ended()) {
            deliver(pending.pollFirst());
        }
        streams.flush(connection);
    }
}
