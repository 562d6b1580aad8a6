package dev.parley.platform.streamlog;

import dev.parley.events.StreamKey;
import io.quarkus.arc.properties.IfBuildProperty;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;

/** Reads a stream's log for replay: the stored envelope JSON, byte for byte as it was published. */
@ApplicationScoped
@IfBuildProperty(name = "parley.stream-log.enabled", stringValue = "true", enableIfMissing = true)
public class StreamLogReader {

    /** A page of stored envelopes (JSON text) after some seq, with the stream's position. */
    public record Page(List<String> envelopes, StreamPosition position) {
    }

    private final Pool pool;

    public StreamLogReader(Pool pool) {
        this.pool = pool;
    }

    public Uni<StreamPosition> position(StreamKey key) {
        return pool.preparedQuery("SELECT head, earliest FROM stream_head WHERE stream_key = $1")
                .execute(Tuple.of(key.value()))
                .map(rows -> {
                    var it = rows.iterator();
                    if (!it.hasNext()) {
                        return StreamPosition.EMPTY;
                    }
                    Row row = it.next();
                    return new StreamPosition(row.getLong(0), row.getLong(1));
                });
    }

    /**
     * Events with seq &gt; {@code after}, ascending, at most {@code limit}, and the stream's position, read in one
     * statement (so the page and the head agree).
     */
    public Uni<Page> after(StreamKey key, long after, int limit) {
        return pool.preparedQuery("SELECT h.head, h.earliest, l.envelope FROM (SELECT CAST($1 AS text) AS k) q "
                        + "LEFT JOIN stream_head h ON h.stream_key = q.k "
                        + "LEFT JOIN LATERAL (SELECT seq, envelope FROM stream_log WHERE stream_key = q.k AND seq > $2 "
                        + "ORDER BY seq LIMIT $3) l ON true ORDER BY l.seq")
                .execute(Tuple.of(key.value(), after, limit))
                .map(rows -> {
                    StreamPosition position = StreamPosition.EMPTY;
                    List<String> envelopes = new ArrayList<>(rows.size());
                    for (Row row : rows) {
                        Long head = row.getLong(0);
                        if (head != null) {
                            position = new StreamPosition(head, row.getLong(1));
                        }
                        String envelope = row.getString(2);
                        if (envelope != null) {
                            envelopes.add(envelope);
                        }
                    }
                    return new Page(envelopes, position);
                });
    }
}
