package dev.parley.presence.messaging;

import dev.parley.events.Envelope;
import dev.parley.events.Json;
import dev.parley.events.Topics;
import dev.parley.events.payload.Discovery;
import dev.parley.events.payload.RosterEntry;
import dev.parley.events.payload.RosterRecord;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
    /** tenant → ref → entry as last published (status, since) or as joined (offline, since = first seen). */
    private final Map<String, Map<String, RosterEntry>> entries = new ConcurrentHashMap<>();
    /** {@code <tenant>/<ref>} → display name from the roster topic. */
    private final Map<String, String> names = new ConcurrentHashMap<>();
    private final Map<String, Discovery> discovery = new ConcurrentHashMap<>();
    /** Next offset to read per partition, published after each batch is applied (for catch-up waits). */
    private final Map<TopicPartition, Long> positions = new ConcurrentHashMap<>();
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private volatile boolean closed;
    private volatile Consumer<String, byte[]> consumer;

    public PresenceView(Supplier<Consumer<String, byte[]>> consumers, Topics topics) {
        this.consumers = consumers;
        this.topics = topics;
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
                caughtUp.countDown();
                LOG.infof("presence view rebuilt: %d tenants, %d names, %d discovery settings", entries.size(),
                        names.size(), discovery.size());
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
                tenantMap(tenant).remove(ref);
                return;
            }
            RosterEntry entry = Json.read(record.value(), Envelope.class).dataAs(RosterEntry.class);
            tenantMap(tenant).put(ref, entry);
        } else if (record.topic().equals(topics.roster())) {
            if (record.value() == null) {
                names.remove(key);
                return;
            }
            RosterRecord roster = Json.read(record.value(), RosterRecord.class);
            joined(tenant, ref, roster.name(), roster.at());
        } else if (record.topic().equals(topics.discovery())) {
            if (record.value() == null) {
                discovery.remove(key);
            } else {
                discovery.put(key, Json.read(record.value(), Discovery.class));
            }
        }
    }

    private Map<String, RosterEntry> tenantMap(String tenant) {
        return entries.computeIfAbsent(tenant, t -> new ConcurrentHashMap<>());
    }

    /** A human is on the roster (roster topic, or their own call to this instance): offline until they connect. */
    public void joined(String tenant, String ref, String name, Instant at) {
        if (name != null) {
            names.put(tenant + "/" + ref, name);
        }
        Instant since = (at == null ? Instant.now() : at).truncatedTo(ChronoUnit.MILLIS);
        tenantMap(tenant).putIfAbsent(ref, new RosterEntry(ref, name == null ? ref : name, RosterEntry.OFFLINE, since));
    }

    /** A discovery setting this instance just stored (so the writer reads its own write at once). */
    public void discoveryStored(String tenant, String ref, Discovery value) {
        discovery.put(tenant + "/" + ref, value);
    }

    /** The whole roster of a tenant, names from the roster topic, ordered by name then ref. */
    public List<RosterEntry> roster(String tenant) {
        Map<String, RosterEntry> map = entries.get(tenant);
        if (map == null) {
            return List.of();
        }
        List<RosterEntry> out = new ArrayList<>(map.size());
        map.values().forEach(e -> out.add(named(tenant, e)));
        out.sort(Comparator.comparing((RosterEntry e) -> e.name() == null ? "" : e.name(),
                String.CASE_INSENSITIVE_ORDER).thenComparing(RosterEntry::ref));
        return out;
    }

    public Optional<RosterEntry> entry(String tenant, String ref) {
        Map<String, RosterEntry> map = entries.get(tenant);
        return Optional.ofNullable(map == null ? null : map.get(ref)).map(e -> named(tenant, e));
    }

    private RosterEntry named(String tenant, RosterEntry e) {
        String name = names.get(tenant + "/" + e.ref());
        return name == null || name.equals(e.name()) ? e : new RosterEntry(e.ref(), name, e.status(), e.since());
    }

    public Optional<Discovery> discovery(String tenant, String ref) {
        return Optional.ofNullable(discovery.get(tenant + "/" + ref));
    }

    public Set<String> tenants() {
        return Set.copyOf(entries.keySet());
    }

    /** Published entries of a tenant as read from the changes topic (what a rebuilt fold is seeded with). */
    public Map<String, RosterEntry> published(String tenant) {
        Map<String, RosterEntry> map = entries.get(tenant);
        return map == null ? Map.of() : new HashMap<>(map);
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
