package dev.parley.rooms.repository;

import dev.parley.platform.sql.SessionSql;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/** Agents' display names per tenant ({@code agent_names}, ADR 0049). */
@ApplicationScoped
public class AgentNameRepository {

    /** The names set for these agent refs of the tenant (refs without one are absent); one index lookup. */
    public Uni<Map<String, String>> of(String tenant, Collection<String> refs) {
        if (refs.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return SessionSql.rows("SELECT ref, name FROM agent_names WHERE tenant = $1 AND ref = ANY(CAST($2 AS text[]))",
                        tenant, refs.toArray(String[]::new))
                .map(rows -> {
                    Map<String, String> out = new HashMap<>();
                    rows.forEach(r -> out.put((String) r[0], (String) r[1]));
                    return out;
                });
    }

    /** Sets (or replaces) an agent's name in the tenant. Inside a transaction. */
    public Uni<Void> set(String tenant, String ref, String name) {
        return SessionSql.update("INSERT INTO agent_names (tenant, ref, name, updated_at) VALUES ($1, $2, $3, now()) "
                        + "ON CONFLICT (tenant, ref) DO UPDATE SET name = EXCLUDED.name, updated_at = now()",
                        tenant, ref, name)
                .replaceWithVoid();
    }
}
