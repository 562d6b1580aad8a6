package dev.parley.presence.domain;

import dev.parley.events.payload.ConnectionEvent;
import dev.parley.events.payload.RosterEntry;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.function.Predicate;

/**
 * The fold of gateway {@link ConnectionEvent}s into per-member status (contract §3), as plain single-threaded Java.
 * <ul>
 *   <li><b>online</b>: at least one open connection (any tab, any device) and activity within {@code idleAfter};
 *       opening a connection counts as activity. {@code since} = the activity that made them online.</li>
 *   <li><b>idle</b>: connected, no activity for longer than {@code idleAfter}. {@code since} = last activity +
 *       {@code idleAfter} (the moment the threshold passed).</li>
 *   <li><b>offline</b>: no open connection for {@code offlineGrace}. {@code since} = when the last connection
 *       closed; during the grace the previous status stands, so a reload never produces an offline transition.</li>
 * </ul>
 * A gateway not heard from (heartbeat or any event) for {@code heartbeatTimeout} has all its connections dropped
 * as if they had closed at that moment. Events change state through {@link #apply}; statuses are (re)computed by
 * {@link #evaluate} (the member an event touched) and {@link #tick} (timers), which return the transitions to
 * publish. Times of events are their {@code at} (clamped to {@code now}); timers run on {@code now}.
 * <p>
 * Timers are indexed by due time: every member whose status could change without an event (an idle deadline, the
 * end of an offline grace, the end of a rebuild hold, a restored or dropped member to re-check) has one entry in a
 * priority queue, so {@link #tick} costs O(due timers · log n), not O(members). An entry is only ever added when it
 * is earlier than the member's queued one; a later deadline is queued when the earlier entry fires and the member
 * is re-evaluated (so each member has at most a couple of entries, however many events it gets).
 * <p>
 * Gateways re-announce each open connection periodically ({@code announce}, ADR 0025), so the connections topic
 * always holds a recent record of every open connection and a rebuild learns all of them. A member restored as
 * online/idle whose connections no replayed or live event names by the end of the rebuild hold has no open
 * connection any more: the placeholder expires then, and the grace runs from there.
 */
public final class PresenceBoard {

    private final PresenceRules rules;
    private final Map<String, Member> members = new HashMap<>();
    /** Gateway instance id → when it was last heard from (receipt time, so gateway clocks do not matter). */
    private final Map<String, Instant> gateways = new HashMap<>();
    /** Due timers (epoch ms); an entry whose due differs from its member's {@code queuedAt} is stale. */
    private final PriorityQueue<Timer> timers = new PriorityQueue<>(Comparator.comparingLong(Timer::due));
    /** Members per published status (O(1) gauges). */
    private final Map<String, Long> counts = new HashMap<>();
    /** Restored members whose placeholder connection expired at the end of a hold (no announce named them). */
    private long unverifiedExpired;

    /** "No timer queued". */
    static final long NONE = Long.MAX_VALUE;

    private record Timer(long due, Member member) {
    }

    public PresenceBoard(PresenceRules rules) {
        this.rules = rules;
    }

    public PresenceRules rules() {
        return rules;
    }

    /**
     * Seeds a member from the compacted changes topic (a restart or a gained partition). An online or idle member
     * counts as connected through connections not known yet, until an event names one of theirs.
     */
    public void restore(String tenant, RosterEntry entry) {
        Instant since = entry.since() == null ? Instant.EPOCH : entry.since();
        Member m = members.get(key(tenant, entry.ref()));
        if (m == null) {
            m = add(new Member(tenant, entry.ref(), entry.name(), since));
        }
        m.name = entry.name() == null ? m.name : entry.name();
        status(m, entry.status());
        m.since = since;
        m.connections.clear();
        switch (entry.status()) {
            case RosterEntry.ONLINE -> {
                m.unverified = true;
                m.lastActivity = since;
                m.disconnectedAt = null;
            }
            case RosterEntry.IDLE -> {
                m.unverified = true;
                m.lastActivity = since.minus(rules.idleAfter());
                m.disconnectedAt = null;
            }
            default -> {
                m.unverified = false;
                m.lastActivity = null;
                m.disconnectedAt = since;
            }
        }
        schedule(m, Long.MIN_VALUE); // re-checked by the next tick
    }

    private Member add(Member m) {
        members.put(m.key(), m);
        counts.merge(m.status, 1L, Long::sum);
        return m;
    }

    private void status(Member m, String status) {
        counts.merge(m.status, -1L, Long::sum);
        counts.merge(status, 1L, Long::sum);
        m.status = status;
    }

    /** Queues a re-evaluation of {@code m} at {@code due} (epoch ms) unless an earlier one is queued already. */
    private void schedule(Member m, long due) {
        if (due < m.queuedAt) {
            m.queuedAt = due;
            timers.add(new Timer(due, m));
        }
    }

    /** The first ms at or after {@code t} (a deadline checked with {@code isBefore} has passed by then). */
    private static long ceilMillis(Instant t) {
        long ms = t.toEpochMilli();
        return t.getNano() % 1_000_000 == 0 ? ms : ms + 1;
    }

    /** When a member evaluated just now could change status without an event, or {@link #NONE}. */
    private long nextDeadline(Member m, Instant now) {
        if (m.connected()) {
            return RosterEntry.ONLINE.equals(m.status) && m.lastActivity != null
                    ? ceilMillis(m.lastActivity.plus(rules.idleAfter())) : NONE;
        }
        if (RosterEntry.OFFLINE.equals(m.status)) {
            return NONE;
        }
        return ceilMillis((m.disconnectedAt == null ? now : m.disconnectedAt).plus(rules.offlineGrace()));
    }

    /** When the earliest queued timer is due (epoch ms; possibly stale, never late), or {@link #NONE}. */
    public long nextDue() {
        Timer t = timers.peek();
        return t == null ? NONE : t.due();
    }

    /** A gateway instance showed it is alive. */
    public void gatewaySeen(String gateway, Instant now) {
        if (gateway != null) {
            gateways.merge(gateway, now, (a, b) -> a.isAfter(b) ? a : b);
        }
    }

    /**
     * Applies one event to the state (no status is computed here). Returns the key ({@code <tenant>/<ref>}) of the
     * member it touched, or empty for heartbeats and events naming no member.
     */
    public Optional<String> apply(ConnectionEvent event, Instant now) {
        if (event == null || event.kind() == null) {
            return Optional.empty();
        }
        gatewaySeen(event.gateway(), now);
        boolean memberEvent = switch (event.kind()) {
            case ConnectionEvent.CONNECT, ConnectionEvent.DISCONNECT, ConnectionEvent.ACTIVITY,
                 ConnectionEvent.ANNOUNCE -> true;
            default -> false;
        };
        if (!memberEvent || event.tenant() == null || event.ref() == null) {
            return Optional.empty();
        }
        Instant at = event.at() == null || event.at().isAfter(now) ? now : event.at();
        at = at.truncatedTo(ChronoUnit.MILLIS);
        String key = key(event.tenant(), event.ref());
        Member m = members.get(key);
        if (m == null) {
            m = add(new Member(event.tenant(), event.ref(), event.name() == null ? event.ref() : event.name(), at));
        } else if (event.name() != null) {
            m.name = event.name();
        }
        String connection = event.connection();
        if (connection != null) {
            m.unverified = false; // from now on their connections are known
        }
        switch (event.kind()) {
            case ConnectionEvent.CONNECT -> {
                if (connection != null) {
                    m.connections.put(connection, event.gateway() == null ? "" : event.gateway());
                    m.disconnectedAt = null;
                }
                touch(m, at);
            }
            case ConnectionEvent.DISCONNECT -> {
                if (connection != null && m.connections.remove(connection) != null && !m.connected()) {
                    m.disconnectedAt = at;
                } else if (!m.connected() && m.disconnectedAt == null) {
                    m.disconnectedAt = at;
                }
            }
            case ConnectionEvent.ACTIVITY -> {
                if (connection != null && event.gateway() != null && !m.connections.containsKey(connection)) {
                    // an activity of a connection whose connect we never saw (older than the topic keeps)
                    m.connections.put(connection, event.gateway());
                    m.disconnectedAt = null;
                }
                touch(m, at);
            }
            case ConnectionEvent.ANNOUNCE -> {
                // "still open": verifies the connection (and its gateway) but is not activity
                if (connection != null && event.gateway() != null) {
                    if (m.connections.put(connection, event.gateway()) == null) {
                        m.disconnectedAt = null;
                    }
                    if (m.lastActivity == null) {
                        touch(m, at); // a connection we never saw open: its announce stands in for the connect
                    }
                }
            }
            default -> throw new IllegalStateException(event.kind());
        }
        return Optional.of(key);
    }

    private static void touch(Member m, Instant at) {
        if (m.lastActivity == null || at.isAfter(m.lastActivity)) {
            m.lastActivity = at;
        }
    }

    /** Recomputes one member's status now (after an event touched them); the transition if it changed. */
    public Optional<Transition> evaluate(String key, Instant now) {
        Member m = members.get(key);
        return m == null ? Optional.empty() : evaluate(m, now);
    }

    /**
     * The timers: drops the connections of gateways silent for longer than the heartbeat timeout, then re-evaluates
     * every member whose timer is due, of a tenant {@code ready} accepts (not one still being rebuilt: those stay
     * queued) and not held.
     */
    public List<Transition> tick(Instant now, Predicate<String> ready) {
        Instant deadline = now.minus(rules.heartbeatTimeout());
        List<String> dead = new ArrayList<>();
        for (Iterator<Map.Entry<String, Instant>> it = gateways.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Instant> gateway = it.next();
            if (gateway.getValue().isBefore(deadline)) {
                dead.add(gateway.getKey());
                it.remove();
            }
        }
        if (!dead.isEmpty()) {
            Instant at = now.truncatedTo(ChronoUnit.MILLIS);
            for (Member m : members.values()) {
                if (m.connections.values().removeIf(dead::contains)) {
                    if (!m.connected()) {
                        m.disconnectedAt = at;
                    }
                    schedule(m, Long.MIN_VALUE);
                }
            }
        }
        List<Transition> out = new ArrayList<>();
        List<Timer> notReady = List.of();
        long nowMs = now.toEpochMilli();
        while (!timers.isEmpty() && timers.peek().due() <= nowMs) {
            Timer t = timers.poll();
            Member m = t.member();
            if (t.due() != m.queuedAt) {
                continue; // superseded by an earlier entry, or the member was forgotten
            }
            m.queuedAt = NONE;
            if (!ready.test(m.tenant)) {
                if (notReady.isEmpty()) {
                    notReady = new ArrayList<>();
                }
                notReady.add(t);
            } else if (m.holdUntil != null && !now.isAfter(m.holdUntil)) {
                schedule(m, m.holdUntil.toEpochMilli() + 1);
            } else {
                if (m.holdUntil != null && m.unverified) {
                    expireUnverified(m, m.holdUntil);
                }
                m.holdUntil = null;
                evaluate(m, now).ifPresent(out::add);
            }
        }
        notReady.forEach(t -> schedule(t.member(), t.due()));
        return out;
    }

    public List<Transition> tick(Instant now) {
        return tick(now, t -> true);
    }

    /**
     * A restored member no replayed or live event (connect, activity, announce) has named a connection of by the end
     * of their rebuild hold: every open connection is re-announced well within the topic's retention, so they have
     * none. They count as disconnected since the end of the hold; the grace runs from there.
     */
    private void expireUnverified(Member m, Instant holdEnd) {
        m.unverified = false;
        unverifiedExpired++;
        if (m.connections.isEmpty() && m.disconnectedAt == null) {
            m.disconnectedAt = holdEnd.truncatedTo(ChronoUnit.MILLIS);
        }
    }

    private Optional<Transition> evaluate(Member m, Instant now) {
        String status;
        Instant since;
        if (m.connected()) {
            Instant idleAt = (m.lastActivity == null ? now : m.lastActivity).plus(rules.idleAfter());
            if (now.isBefore(idleAt)) {
                status = RosterEntry.ONLINE;
                since = m.lastActivity == null ? now : m.lastActivity;
            } else {
                status = RosterEntry.IDLE;
                since = idleAt;
            }
        } else {
            Instant gone = m.disconnectedAt == null ? now : m.disconnectedAt;
            if (now.isBefore(gone.plus(rules.offlineGrace()))) {
                schedule(m, nextDeadline(m, now));
                return Optional.empty(); // inside the grace: the previous status stands
            }
            status = RosterEntry.OFFLINE;
            since = gone;
        }
        if (status.equals(m.status)) {
            schedule(m, nextDeadline(m, now));
            return Optional.empty();
        }
        status(m, status);
        m.since = since.truncatedTo(ChronoUnit.MILLIS);
        schedule(m, nextDeadline(m, now));
        return Optional.of(new Transition(m.tenant, m.entry()));
    }

    /**
     * After a rebuild: leave the members of the matching tenants to events until {@code until} (inclusive; a
     * gateway silent since the rebuild is dropped in the same tick that releases them). A restored member still
     * unverified when released (no event named a connection of theirs) is taken as disconnected at {@code until}.
     */
    public void hold(Predicate<String> tenant, Instant until) {
        for (Member m : members.values()) {
            if (tenant.test(m.tenant)) {
                m.holdUntil = until;
                schedule(m, until.toEpochMilli() + 1);
            }
        }
    }

    /** Every gateway known gets a fresh heartbeat window (after a rebuild, to prove it is alive). */
    public void refreshGateways(Instant now) {
        gateways.replaceAll((g, t) -> now);
    }

    /** Forgets the members of the matching tenants (a partition moved to another instance). */
    public void forget(Predicate<String> tenant) {
        members.values().removeIf(m -> {
            if (!tenant.test(m.tenant)) {
                return false;
            }
            m.queuedAt = NONE; // its queued timers are stale from now on
            counts.merge(m.status, -1L, Long::sum);
            return true;
        });
    }

    /** The published status of every member of a tenant. */
    public List<RosterEntry> entries(String tenant) {
        return members.values().stream().filter(m -> m.tenant.equals(tenant)).map(Member::entry).toList();
    }

    /** Every member's published status, grouped by tenant (one pass). */
    public Map<String, List<RosterEntry>> byTenant() {
        Map<String, List<RosterEntry>> out = new HashMap<>();
        for (Member m : members.values()) {
            out.computeIfAbsent(m.tenant, t -> new ArrayList<>()).add(m.entry());
        }
        return out;
    }

    public Optional<RosterEntry> entry(String tenant, String ref) {
        return Optional.ofNullable(members.get(key(tenant, ref))).map(Member::entry);
    }

    /** Open (known) connections of a member, for diagnostics and tests. */
    public int connections(String tenant, String ref) {
        Member m = members.get(key(tenant, ref));
        return m == null ? 0 : m.connections.size();
    }

    public long count(String status) {
        return counts.getOrDefault(status, 0L);
    }

    /** How many restored placeholders expired at the end of a hold so far (no announce or event named them). */
    public long unverifiedExpired() {
        return unverifiedExpired;
    }

    public int size() {
        return members.size();
    }

    /** Entries in the timer queue, stale ones included (diagnostics and tests: it stays O(members)). */
    public int queuedTimers() {
        return timers.size();
    }

    public boolean knowsGateway(String gateway) {
        return gateways.containsKey(gateway);
    }

    static String key(String tenant, String ref) {
        return tenant + "/" + ref;
    }
}
