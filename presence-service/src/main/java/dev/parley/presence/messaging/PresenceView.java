package dev.parley.presence.messaging;

import dev.parley.events.Envelope;
import dev.parley.events.Json;
import dev.parley.events.Topics;
import dev.parley.events.payload.Discovery;
import dev.parley.events.payload.RosterEntry;
import dev.parley.events.payload.RosterRecord;
import dev.parley.presence.domain.RosterDirectory;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * What every presence instance serves from: the whole roster with statuses, display names and discovery settings
 * of every tenant, read (assign-all, from the beginning) from the compacted {@code parley.presence.changes},
 * {@code parley.roster} and {@code parley.discovery} topics and then followed. A restarted instance reads them to
 * their end before it is ready, so it answers the same roster, statuses and settings as before.
 */
public final class PresenceView implements Runnable {

    private static final Logger LOG = Logger.getLogger(PresenceView.class);

    private final Supplier<Consumer<String, byte[]>> consumers;
    private final Topics topics;
    private final RosterDirectory directory;
    /** Next offset to read per partition, published after each batch is applied (for catch-up waits). */
    private final Map<TopicPartition, Long> positions = new ConcurrentHashMap<>();
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private volatile boolean closed;
    private volatile Consumer<String, byte[]> consumer;

    public PresenceView(Supplier<Consumer<String, byte[]>> consumers, Topics topics, RosterDirectory directory) {
        this.consumers = consumers;
        this.topics = topics;
        this.directory = directory;
    }

    public Thread start() {
        return Thread.ofPlatform().daemon().name("presence-view").start(this);
    }

    @Override
    public void run() {
        while (!closed) {
            try (Consumer<String, byte[]> c = consumers.get()) {
                consumer = c;
                follow(c);
            } catch (WakeupException e) {
                // closing
            } catch (Exception e) {
                if (!closed) {
                    LOG.warnf("presence view reader failed, restarting: %s", e.toString());
                }
            }
        }
    }

    private void follow(Consumer<String, byte[]> c) {
        List<TopicPartition> all = new ArrayList<>();
        for (String topic : List.of(topics.presenceChanges(), topics.roster(), topics.discovery())) {
            List<PartitionInfo> infos = List.of();
            while (infos == null || infos.isEmpty()) {
                infos = c.partitionsFor(topic, Duration.ofSeconds(10));
                if (closed) {
                    return;
                }
            }
            infos.forEach(p -> all.add(new TopicPartition(topic, p.partition())));
        }
        c.assign(all);
        // resume where this view already is (after a reader restart), else from the beginning
        List<TopicPartition> fresh = new ArrayList<>();
        for (TopicPartition tp : all) {
            Long at = positions.get(tp);
            if (at == null) {
                fresh.add(tp);
            } else {
                c.seek(tp, at);
            }
        }
        c.seekToBeginning(fresh);
        Map<TopicPartition, Long> ends = c.endOffsets(all);
        while (!closed) {
            for (ConsumerRecord<String, byte[]> record : c.poll(Duration.ofMillis(200))) {
                try {
                    apply(record);
                } catch (RuntimeException e) {
                    LOG.warnf("skipping unreadable record %s@%d: %s", record.topic(), record.offset(), e.toString());
                }
            }
            for (TopicPartition tp : all) {
                positions.put(tp, c.position(tp));
            }
            if (caughtUp.getCount() > 0 && ends.entrySet().stream()
                    .allMatch(e -> positions.getOrDefault(e.getKey(), 0L) >= e.getValue())) {
                directory.markRebuilt();
                caughtUp.countDown();
                LOG.infof("presence view rebuilt: %d tenants, %d names, %d discovery settings",
                        directory.tenants().size(), directory.nameCount(), directory.discoveryCount());
            }
        }
    }

    private void apply(ConsumerRecord<String, byte[]> record) {
        String key = record.key();
        int slash = key == null ? -1 : key.indexOf('/');
        if (slash <= 0) {
            return;
        }
        String tenant = key.substring(0, slash);
        String ref = key.substring(slash + 1);
        if (record.topic().equals(topics.presenceChanges())) {
            if (record.value() == null) {
                directory.removed(tenant, ref);
            } else {
                directory.published(tenant, Json.read(record.value(), Envelope.class).dataAs(RosterEntry.class));
            }
        } else if (record.topic().equals(topics.roster())) {
            if (record.value() == null) {
                directory.nameRemoved(tenant, ref);
            } else {
                RosterRecord roster = Json.read(record.value(), RosterRecord.class);
                directory.joined(tenant, ref, roster.name(), roster.at(), true);
            }
        } else if (record.topic().equals(topics.discovery())) {
            directory.discovery(tenant, ref, record.value() == null ? null : Json.read(record.value(), Discovery.class));
        }
    }

    public RosterDirectory directory() {
        return directory;
    }

    public boolean isCaughtUp() {
        return caughtUp.getCount() == 0;
    }

    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Waits until this view has read at least up to the given offsets (e.g. the changes topic's end, now). */
    public boolean awaitPositions(Map<TopicPartition, Long> targets, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (targets.entrySet().stream().allMatch(t -> positions.getOrDefault(t.getKey(), -1L) >= t.getValue())) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    public void close() {
        closed = true;
        Consumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }
}
