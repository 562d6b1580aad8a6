package dev.parley.sessions.service;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.events.EventTypes;
import dev.parley.events.Json;
import dev.parley.events.StreamKey;
import dev.parley.events.payload.SyncState;
import dev.parley.events.payload.SyncStopped;
import dev.parley.events.payload.Tab;
import dev.parley.platform.identity.Caller;
import dev.parley.platform.problem.ErrorCodes;
import dev.parley.platform.problem.ProblemException;
import dev.parley.platform.streamlog.StreamLog;
import dev.parley.sessions.config.SessionsConfig;
import dev.parley.sessions.domain.SessionErrors;
import dev.parley.sessions.messaging.PresenceView;
import dev.parley.sessions.metrics.SessionsMetrics;
import dev.parley.sessions.repository.SyncRepository;
import dev.parley.sessions.repository.SyncRepository.Pair;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * Sync pairing: two people see the same tabs and screen. Stored server-side (survives reloads, works across
 * devices); every change goes to both people's me streams, each seeing the other as {@code partner}.
 */
@ApplicationScoped
public class SyncService {

    private static final TypeReference<List<Tab>> TABS = new TypeReference<>() {
    };

    /** The result of a start: the caller's view, and whether it is new (201) or the pairing already running (200). */
    public record Started(SyncState state, boolean created) {
    }

    private final SyncRepository repository;
    private final PresenceView presence;
    private final StreamLog log;
    private final SessionsConfig config;
    private final MeterRegistry registry;

    public SyncService(SyncRepository repository, PresenceView presence, StreamLog log, SessionsConfig config,
                       MeterRegistry registry) {
        this.repository = repository;
        this.presence = presence;
        this.log = log;
        this.config = config;
        this.registry = registry;
    }

    public Uni<Started> start(Caller caller, String rawPartner) {
        String ref = caller.userRef();
        String partner = Sessions.userRef(rawPartner);
        if (partner.equals(ref)) {
            throw ProblemException.invalid("partner: you cannot sync with yourself");
        }
        return Panache.withTransaction(() -> repository.pairOf(caller.tenant(), ref, true).chain(existing -> {
            if (existing.isPresent()) {
                Pair pair = existing.get();
                if (pair.partnerOf(ref).equals(partner)) {
                    return Uni.createFrom().item(new Started(state(pair, ref), false));
                }
                throw ProblemException.conflict(ErrorCodes.SYNC_ALREADY_PAIRED, "you are syncing with someone already");
            }
            if (!presence.online(caller.tenant(), partner)) {
                throw ProblemException.conflict(ErrorCodes.SYNC_PARTNER_OFFLINE, partner + " is not online");
            }
            UUID id = UUID.randomUUID();
            return repository.create(id, caller.tenant(), ref, partner).chain(created -> {
                if (!created) {
                    throw ProblemException.conflict(ErrorCodes.SYNC_ALREADY_PAIRED, partner + " is syncing with someone else");
                }
                return repository.pairOf(caller.tenant(), ref, false).map(p -> p.orElseThrow());
            }).chain(pair -> both(caller, pair, EventTypes.SYNC_STARTED, side -> state(pair, side))
                    .replaceWith(new Started(state(pair, ref), true)))
                    .invoke(() -> registry.counter(SessionsMetrics.SYNC_STARTED).increment());
        }));
    }

    public Uni<SyncState> get(Caller caller) {
        String ref = caller.userRef();
        return Panache.withSession(() -> repository.pairOf(caller.tenant(), ref, false))
                .map(found -> state(found.orElseThrow(() -> ProblemException.notFound("sync pairing")), ref));
    }

    /** Stops the caller's pairing for both sides; not syncing → nothing to do. */
    public Uni<Void> stop(Caller caller) {
        String ref = caller.userRef();
        return Panache.withTransaction(() -> repository.pairOf(caller.tenant(), ref, true).chain(found -> {
            if (found.isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            Pair pair = found.get();
            return repository.delete(pair.id())
                    .chain(() -> both(caller, pair, EventTypes.SYNC_STOPPED,
                            side -> new SyncStopped(pair.partnerOf(side), ref)));
        }));
    }

    public Uni<SyncState> tabs(Caller caller, List<Tab> tabs, String activeTabId) {
        String ref = caller.userRef();
        List<Tab> list = tabs == null ? List.of() : tabs;
        if (list.size() > config.syncMaxTabs()) {
            throw ProblemException.limit(SessionErrors.SYNC_TOO_MANY_TABS, "at most " + config.syncMaxTabs() + " tabs");
        }
        Set<String> ids = new HashSet<>();
        for (Tab tab : list) {
            if (tab == null || tab.id() == null || tab.id().isBlank() || tab.id().length() > 200 || !ids.add(tab.id())) {
                throw ProblemException.invalid("tabs: every tab needs a unique id of 1-200 characters");
            }
            if (tab.title() != null && tab.title().length() > 1000) {
                throw ProblemException.invalid("tabs: a title is at most 1000 characters");
            }
        }
        if (activeTabId != null && !ids.contains(activeTabId)) {
            throw ProblemException.invalid("activeTabId must be the id of one of the tabs");
        }
        return update(caller, ref, pair -> repository.updateTabs(pair.id(), Json.string(list), activeTabId),
                pair -> new Pair(pair.id(), pair.aRef(), pair.bRef(), Json.string(list), activeTabId, pair.screen(),
                        pair.startedAt()), EventTypes.SYNC_TABS);
    }

    public Uni<SyncState> screen(Caller caller, JsonNode screen) {
        String ref = caller.userRef();
        if (screen == null || !screen.isObject()) {
            throw ProblemException.invalid("the screen layout is a JSON object");
        }
        String json = Json.string(screen);
        if (json.getBytes(StandardCharsets.UTF_8).length > config.syncMaxScreen().asLongValue()) {
            throw ProblemException.limit(SessionErrors.SYNC_SCREEN_TOO_LARGE,
                    "the screen layout is limited to " + config.syncMaxScreen().asLongValue() + " bytes");
        }
        return update(caller, ref, pair -> repository.updateScreen(pair.id(), json),
                pair -> new Pair(pair.id(), pair.aRef(), pair.bRef(), pair.tabs(), pair.activeTabId(), json,
                        pair.startedAt()), EventTypes.SYNC_SCREEN);
    }

    private Uni<SyncState> update(Caller caller, String ref, Function<Pair, Uni<Void>> write,
                                  Function<Pair, Pair> apply, String type) {
        return Panache.withTransaction(() -> repository.pairOf(caller.tenant(), ref, true).chain(found -> {
            Pair pair = found.orElseThrow(() -> ProblemException.notFound("sync pairing"));
            Pair updated = apply.apply(pair);
            return write.apply(pair)
                    .chain(() -> both(caller, updated, type, side -> state(updated, side)))
                    .replaceWith(state(updated, ref));
        }));
    }

    /** Appends one event to each side's me stream, with data as that side sees it. */
    private Uni<Void> both(Caller caller, Pair pair, String type, Function<String, Object> data) {
        String origin = caller.userRef();
        return log.append(StreamKey.me(caller.tenant(), pair.aRef()), type, seq -> data.apply(pair.aRef()), origin)
                .chain(() -> log.append(StreamKey.me(caller.tenant(), pair.bRef()), type, seq -> data.apply(pair.bRef()),
                        origin))
                .replaceWithVoid();
    }

    static SyncState state(Pair pair, String side) {
        try {
            return new SyncState(pair.partnerOf(side), Json.MAPPER.readValue(pair.tabs(), TABS), pair.activeTabId(),
                    Json.MAPPER.readTree(pair.screen()));
        } catch (Exception e) {
            throw new IllegalStateException("stored sync state unreadable", e);
        }
    }
}
