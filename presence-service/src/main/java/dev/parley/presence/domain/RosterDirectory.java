package dev.parley.presence.domain;

import dev.parley.events.payload.Discovery;
import dev.parley.events.payload.RosterEntry;

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

/**
 * Every tenant's roster as presence serves it (thread-safe): the published status of each member, display names
 * from the roster topic, and discovery settings. Filled by the readers of the compacted topics and by the caller's
 * own requests (so a first call shows the caller at once).
 */
public final class RosterDirectory {

    /** tenant → ref → entry as last published (status, since) or as joined (offline, since = first seen). */
    private final Map<String, Map<String, RosterEntry>> entries = new ConcurrentHashMap<>();
    /** {@code <tenant>/<ref>} → display name from the roster topic. */
    private final Map<String, String> names = new ConcurrentHashMap<>();
    private final Map<String, Discovery> discovery = new ConcurrentHashMap<>();
    /** {@code <tenant>/<ref>} of members on the roster who have no published status yet (never connected). */
    private final Set<String> joinedOnly = ConcurrentHashMap.newKeySet();
    private volatile boolean rebuilt;

    private Map<String, RosterEntry> tenantMap(String tenant) {
        return entries.computeIfAbsent(tenant, t -> new ConcurrentHashMap<>());
    }

    /** A status published on the changes topic. */
    public void published(String tenant, RosterEntry entry) {
        joinedOnly.remove(tenant + "/" + entry.ref());
        tenantMap(tenant).put(entry.ref(), entry);
    }

    /** A tombstone on the changes topic. */
    public void removed(String tenant, String ref) {
        Map<String, RosterEntry> map = entries.get(tenant);
        if (map != null) {
            map.remove(ref);
        }
        joinedOnly.remove(tenant + "/" + ref);
    }

    /**
     * A human is on the roster: offline until they connect. {@code fromTopic}: a roster record (its {@code at} is
     * the since of a member who never connected, so every instance agrees); else their own call to this instance,
     * which shows them at once with a provisional since until the platform's roster record is read back.
     */
    public void joined(String tenant, String ref, String name, Instant at, boolean fromTopic) {
        String key = tenant + "/" + ref;
        if (name != null) {
            names.put(key, name);
        }
        Instant since = (at == null ? Instant.now() : at).truncatedTo(ChronoUnit.MILLIS);
        RosterEntry entry = new RosterEntry(ref, name == null ? ref : name, RosterEntry.OFFLINE, since);
        Map<String, RosterEntry> map = tenantMap(tenant);
        if (map.putIfAbsent(ref, entry) == null) {
            joinedOnly.add(key);
        } else if (fromTopic && joinedOnly.contains(key)) {
            map.put(ref, entry);
        }
    }

    public void nameRemoved(String tenant, String ref) {
        names.remove(tenant + "/" + ref);
    }

    public void discovery(String tenant, String ref, Discovery value) {
        if (value == null) {
            discovery.remove(tenant + "/" + ref);
        } else {
            discovery.put(tenant + "/" + ref, value);
        }
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

    /** Entries of a tenant as published (what a rebuilt fold is seeded with). */
    public Map<String, RosterEntry> published(String tenant) {
        Map<String, RosterEntry> map = entries.get(tenant);
        return map == null ? Map.of() : new HashMap<>(map);
    }

    public int nameCount() {
        return names.size();
    }

    public int discoveryCount() {
        return discovery.size();
    }

    /** The compacted topics have been read to their end once: the state is complete enough to serve. */
    public void markRebuilt() {
        rebuilt = true;
    }

    public boolean isRebuilt() {
        return rebuilt;
    }
}
