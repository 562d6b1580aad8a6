package dev.parley.sessions.repository;

import dev.parley.events.payload.Person;
import dev.parley.events.payload.Share;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import static dev.parley.sessions.repository.Sql.instant;
import static dev.parley.sessions.repository.Sql.ms;
import static dev.parley.sessions.repository.Sql.num;
import static dev.parley.sessions.repository.Sql.str;

/** Share and revoke records, keyed by the recipient's me stream and the record's seq on it. */
@ApplicationScoped
public class ShareRepository {

    public Uni<Void> insert(String meKey, Share share) {
        return Sql.exec("INSERT INTO share_record (me_key, seq, kind, session_id, title, by_ref, by_name, at) "
                        + "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)", meKey, share.seq(), share.kind(),
                UUID.fromString(share.sessionId()), share.title(), share.by().ref(), share.by().name(),
                OffsetDateTime.ofInstant(share.at(), ZoneOffset.UTC)).replaceWithVoid();
    }

    public Uni<List<Share>> after(String meKey, long after, int limit) {
        return Sql.rows("SELECT seq, kind, CAST(session_id AS text), title, by_ref, by_name, " + ms("at")
                        + " FROM share_record WHERE me_key = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3", meKey, after, limit)
                .map(rows -> rows.stream().map(r -> new Share(num(r[0]), str(r[1]), str(r[2]), str(r[3]),
                        new Person(str(r[4]), str(r[5])), instant(r[6]))).toList());
    }
}
