package dev.parley.sessions.repository;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import static dev.parley.sessions.repository.Sql.instant;
import static dev.parley.sessions.repository.Sql.ms;
import static dev.parley.sessions.repository.Sql.str;

/** Sync pairings: one pair row and one membership row per side (a member is in one pairing at a time). */
@ApplicationScoped
public class SyncRepository {

    /** A stored pairing; {@code tabs} and {@code screen} are JSON text. */
    public record Pair(UUID id, String aRef, String bRef, String tabs, String activeTabId, String screen,
                       Instant startedAt) {
        public String partnerOf(String ref) {
            return aRef.equals(ref) ? bRef : aRef;
        }
    }

    /** The pairing the member is in, locked for update. */
    public Uni<Optional<Pair>> pairOf(String tenant, String ref, boolean lock) {
        return Sql.row("SELECT CAST(p.id AS text), p.a_ref, p.b_ref, p.tabs, p.active_tab_id, p.screen, "
                        + ms("p.started_at") + " FROM sync_member m JOIN sync_pair p ON p.id = m.pair_id "
                        + "WHERE m.tenant = ?1 AND m.ref = ?2" + (lock ? " FOR UPDATE OF p" : ""), tenant, ref)
                .map(row -> row.map(r -> new Pair(UUID.fromString(str(r[0])), str(r[1]), str(r[2]), str(r[3]),
                        str(r[4]), str(r[5]), instant(r[6]))));
    }

    /**
     * Creates the pairing if neither side is paired; false (and nothing written) when one of them already is. The
     * membership primary key decides between concurrent starts.
     */
    public Uni<Boolean> create(UUID id, String tenant, String aRef, String bRef) {
        return Sql.exec("INSERT INTO sync_pair (id, tenant, a_ref, b_ref) VALUES (?1, ?2, ?3, ?4)", id, tenant, aRef, bRef)
                .chain(() -> Sql.exec("INSERT INTO sync_member (tenant, ref, pair_id) VALUES (?1, ?2, ?4), (?1, ?3, ?4) "
                        + "ON CONFLICT DO NOTHING", tenant, aRef, bRef, id))
                .map(inserted -> inserted == 2);
    }

    public Uni<Void> delete(UUID id) {
        return Sql.exec("DELETE FROM sync_member WHERE pair_id = ?1", id)
                .chain(() -> Sql.exec("DELETE FROM sync_pair WHERE id = ?1", id)).replaceWithVoid();
    }

    public Uni<Void> updateTabs(UUID id, String tabs, String activeTabId) {
        return Sql.exec("UPDATE sync_pair SET tabs = ?2, active_tab_id = CAST(?3 AS text) WHERE id = ?1", id, tabs,
                activeTabId).replaceWithVoid();
    }

    public Uni<Void> updateScreen(UUID id, String screen) {
        return Sql.exec("UPDATE sync_pair SET screen = ?2 WHERE id = ?1", id, screen).replaceWithVoid();
    }
}
