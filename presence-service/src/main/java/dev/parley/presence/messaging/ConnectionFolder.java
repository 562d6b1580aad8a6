package dev.parley.presence.messaging;

import dev.parley.events.Json;
import dev.parley.events.Topics;
import dev.parley.events.payload.ConnectionEvent;
import dev.parley.events.payload.RosterEntry;
import dev.parley.presence.domain.PresenceBoard;
import dev.parley.presence.domain.PresenceRules;
import dev.parley.presence.domain.Transition;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.utils.Utils;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The fold of {@code parley.presence.connections} (key = tenant) into statuses, on one thread with one ticking
 * loop for every timer. Instances of one consumer group split the tenants by partition; this instance publishes
 * the transitions of the tenants on its partitions only.
 * <p>
 * On gaining partitions (start-up included) it rebuilds before it folds: it waits until the {@link PresenceView}
 * has read the changes topic to its current end, seeds the board with the published statuses of the tenants of
 * those partitions, then replays the partitions from their beginning (the topic keeps an hour) without
 * publishing, to learn which connections are open, and publishes only where the result differs from what was
 * published. Members are then held for one heartbeat timeout, so gateways that died meanwhile are dropped before
 * anyone's status is recomputed by the timers (no flapping after a restart).
 * <p>
 * Heartbeats are keyed by gateway id, so they land on partitions of other instances too: {@link #heartbeats}
 * is fed by this fold and by a {@link HeartbeatListener} that reads heartbeats from every partition.
 */
public final class ConnectionFolder implements Runnable, ConsumerRebalanceListener {

    private static final Logger LOG = Logger.getLogger(ConnectionFolder.class);
    /** How late a timer may fire at most (beyond its deadline) when no record wakes the fold earlier. */
    static final Duration TIMER_SLACK = Duration.ofMillis(20);

    /** Callbacks for meters, so this class stays free of Micrometer. */
    public interface Meters {
        void lag(Duration lag);

        void invalid();

        void counts(long online, long idle);

        Meters NONE = new Meters() {
            public void lag(Duration lag) { }

            public void invalid() { }

            public void counts(long online, long idle) { }
        };
    }

    private final Supplier<Consumer<String, byte[]>> consumers;
    private final String topic;
    private final Topics topics;
    private final PresenceBoard board;
    private final PresenceView view;
    private final TransitionSink sink;
    private final Clock clock;
    private final Duration tick;
    private final Meters meters;
    /** Gateway id → last heartbeat receipt, written by any thread, drained by the fold. */
    private final Map<String, Instant> heartbeats = new ConcurrentHashMap<>();
    /** Partitions being replayed → the offset at which the replay ends. */
    private final Map<Integer, Long> replaying = new HashMap<>();
    private final Set<Integer> owned = new HashSet<>();
    private final AtomicLong assignments = new AtomicLong();
    private volatile int partitionCount = 1;
    private volatile boolean closed;
    private volatile boolean replayDone;
    /** The group gave this instance its share at least once (possibly none: more instances than partitions). */
    private volatile boolean assignedOnce;
    private volatile Consumer<String, byte[]> consumer;
    /** tenant → ref → entry, read by other threads; updated per member as the fold goes. */
    private volatile Map<String, Map<String, RosterEntry>> snapshot = new ConcurrentHashMap<>();

    public ConnectionFolder(Supplier<Consumer<String, byte[]>> consumers, Topics topics, PresenceRules rules,
                            PresenceView view, TransitionSink sink, Clock clock, Duration tick, Meters meters) {
        this.consumers = consumers;
        this.topics = topics;
        this.topic = topics.presenceConnections();
        this.board = new PresenceBoard(rules);
        this.view = view;
        this.sink = sink;
        this.clock = clock;
        this.tick = tick;
        this.meters = meters;
    }

    public Thread start() {
        return Thread.ofPlatform().daemon().name("presence-fold").start(this);
    }

    /** A gateway heartbeat seen by another reader. */
    public void heartbeat(String gateway, Instant receivedAt) {
        heartbeats.merge(gateway, receivedAt, (a, b) -> a.isAfter(b) ? a : b);
    }

    @Override
    public void run() {
        while (!closed) {
            try (Consumer<String, byte[]> c = consumers.get()) {
                consumer = c;
                c.subscribe(List.of(topic), this);
                loop(c);
            } catch (WakeupException e) {
                // closing
            } catch (Exception e) {
                if (!closed) {
                    LOG.errorf(e, "presence fold failed; rejoining");
                    board.forget(t -> true);
                    owned.clear();
                    replaying.clear();
                }
            }
        }
    }

    private void loop(Consumer<String, byte[]> c) {
        long ticked = 0;
        long expiredLogged = board.unverifiedExpired();
        while (!closed) {
            var records = c.poll(pollTimeout(ticked));
            Instant now = clock.instant();
            for (ConsumerRecord<String, byte[]> record : records) {
                fold(record, now);
            }
            for (var it = replaying.entrySet().iterator(); it.hasNext(); ) {
                var entry = it.next();
                if (c.position(new TopicPartition(topic, entry.getKey())) >= entry.getValue()) {
                    it.remove();
                    finishReplay(entry.getKey(), now);
                    refreshSnapshot();
                }
            }
            replayDone = assignedOnce && replaying.isEmpty();
            heartbeats.forEach((gateway, at) -> {
                board.gatewaySeen(gateway, at);
                heartbeats.remove(gateway, at);
            });
            // due timers only (a priority queue): cheap enough to run after every poll, so timers fire on time
            for (Transition t : board.tick(now, tenant -> !replaying.containsKey(partitionOf(tenant)))) {
                sink.publish(t);
                published(t.tenant(), t.entry());
            }
            meters.counts(board.count(RosterEntry.ONLINE), board.count(RosterEntry.IDLE));
            if (board.unverifiedExpired() != expiredLogged) {
                LOG.infof("presence fold: %d restored members were named by no connection event or announce by the "
                        + "end of the rebuild hold; they go offline after the grace (ADR 0025)",
                        board.unverifiedExpired() - expiredLogged);
                expiredLogged = board.unverifiedExpired();
            }
            ticked = now.toEpochMilli();
        }
    }

    /**
     * Until the next timer is due (but at least {@link #TIMER_SLACK}, so that hundreds of deadlines a second cost
     * tens of wake-ups, not hundreds), at most one {@code tick} (heartbeat timeouts are checked at least that often).
     * Timers that were due at the last tick and are still queued belong to tenants being replayed: they wait a tick.
     */
    private Duration pollTimeout(long ticked) {
        long due = board.nextDue();
        if (due <= ticked) {
            return tick;
        }
        long wait = Math.max(due - clock.millis(), TIMER_SLACK.toMillis());
        return wait < tick.toMillis() ? Duration.ofMillis(wait) : tick;
    }

    private void fold(ConsumerRecord<String, byte[]> record, Instant now) {
        ConnectionEvent event;
        try {
            event = Json.read(record.value(), ConnectionEvent.class);
        } catch (RuntimeException e) {
            meters.invalid();
            return;
        }
        Long replayEnd = replaying.get(record.partition());
        boolean replay = replayEnd != null && record.offset() < replayEnd;
        var touched = board.apply(event, now);
        if (touched.isEmpty() || replay) {
            return;
        }
        if (event.at() != null) {
            meters.lag(Duration.between(event.at(), clock.instant()));
        }
        board.evaluate(touched.get(), now).ifPresent(sink::publish);
        board.entry(event.tenant(), event.ref()).ifPresent(entry -> published(event.tenant(), entry));
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        assignedOnce = true;
        if (partitions.isEmpty()) {
            replayDone = replaying.isEmpty();
            return;
        }
        Consumer<String, byte[]> c = consumer;
        partitionCount = c.partitionsFor(topic).size();
        Set<Integer> gained = new HashSet<>();
        partitions.forEach(tp -> gained.add(tp.partition()));
        // the view must have read every status published so far before we seed from it
        List<TopicPartition> changes = c.partitionsFor(topics.presenceChanges()).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        Map<TopicPartition, Long> ends = c.endOffsets(changes);
        try {
            if (!view.awaitPositions(ends, Duration.ofSeconds(60))) {
                LOG.warn("presence view did not catch up with the changes topic in 60 s; seeding from what it has");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        int seeded = 0;
        for (String tenant : view.directory().tenants()) {
            if (gained.contains(partitionOf(tenant))) {
                for (RosterEntry entry : view.directory().published(tenant).values()) {
                    board.restore(tenant, entry);
                    seeded++;
                }
            }
        }
        c.seekToBeginning(partitions);
        Map<TopicPartition, Long> replayEnds = c.endOffsets(partitions);
        replayEnds.forEach((tp, end) -> replaying.put(tp.partition(), end));
        owned.addAll(gained);
        assignments.incrementAndGet();
        LOG.infof("presence fold gained partitions %s: seeded %d members, replaying up to %s", gained, seeded,
                replayEnds.values());
    }

    private void finishReplay(int partition, Instant now) {
        board.refreshGateways(now);
        board.hold(tenant -> partitionOf(tenant) == partition, now.plus(board.rules().heartbeatTimeout()));
        LOG.debugf("presence fold replayed partition %d", partition);
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        Set<Integer> lost = new HashSet<>();
        partitions.forEach(tp -> lost.add(tp.partition()));
        board.forget(tenant -> lost.contains(partitionOf(tenant)));
        lost.forEach(p -> {
            replaying.remove(p);
            owned.remove(p);
        });
        refreshSnapshot();
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
        onPartitionsRevoked(partitions);
    }

    /** The partition the gateway's producer puts a tenant's events on (Kafka's default keyed partitioner). */
    int partitionOf(String tenant) {
        return Utils.toPositive(Utils.murmur2(tenant.getBytes(StandardCharsets.UTF_8))) % partitionCount;
    }

    /** The whole snapshot again (partitions gained or lost: rare). */
    private void refreshSnapshot() {
        Map<String, Map<String, RosterEntry>> next = new ConcurrentHashMap<>();
        board.byTenant().forEach((tenant, entries) -> {
            Map<String, RosterEntry> byRef = new ConcurrentHashMap<>();
            entries.forEach(e -> byRef.put(e.ref(), e));
            next.put(tenant, byRef);
        });
        snapshot = next;
        meters.counts(board.count(RosterEntry.ONLINE), board.count(RosterEntry.IDLE));
    }

    /** One member's entry changed (an event or a transition): O(1), not a copy of the board. */
    private void published(String tenant, RosterEntry entry) {
        snapshot.computeIfAbsent(tenant, t -> new ConcurrentHashMap<>()).put(entry.ref(), entry);
    }

    /** The statuses this fold holds for a tenant (a snapshot; empty for tenants of other instances). */
    public List<RosterEntry> entries(String tenant) {
        return List.copyOf(snapshot.getOrDefault(tenant, Map.of()).values());
    }

    /** Whether the group has assigned this instance its partitions and every one of them has been replayed. */
    public boolean isRebuilt() {
        return replayDone;
    }

    public void close() {
        closed = true;
        Consumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }
}
