package dev.parley.sessions.repository;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** The once-only record of mentions appended, per (room stream key, seq, user). */
@ApplicationScoped
public class MentionRepository {

    /** True when this (room, seq, user) was not delivered before (and now is recorded, in the caller's transaction). */
    public Uni<Boolean> claim(String roomKey, long seq, String userRef) {
        return Sql.exec("INSERT INTO mention_delivery (room_key, seq, user_ref) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
                roomKey, seq, userRef).map(n -> n == 1);
    }
}
