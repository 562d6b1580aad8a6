package dev.parley.channel.service;

import dev.parley.channel.repository.Scrubber;
import dev.parley.channel.repository.Scrubber.Scrubbed;
import dev.parley.events.StreamKey;
import dev.parley.events.StreamName;
import dev.parley.platform.sql.SessionSql;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;

/**
 * Where the channel's one scrubbing mechanism ({@link Scrubber}, ADR 0033) is run from: a delete, inside its
 * Hibernate Reactive transaction, and retention, on the connection of each batch's transaction.
 */
@ApplicationScoped
public class Scrubbing {

    private final Scrubber scrubber = new Scrubber(MessageService.POST_ROUTE, AttachmentService.UPLOAD_ROUTE);

    /** Scrubs inside the current Hibernate Reactive transaction (a delete). */
    public Uni<Scrubbed> inSession(List<String> messageIds, List<String> tenants, List<String> attachmentIds) {
        return scrubber.scrub(SessionSql::update, messageIds, streamKeys(tenants), tenants, attachmentIds, null);
    }

    /**
     * Scrubs on a connection inside its transaction (a retention batch); stream-log rows that the run's trim deletes
     * (published, older than {@code cutoff}) are left to it.
     */
    public Uni<Scrubbed> on(SqlConnection connection, List<String> messageIds, List<String> tenants,
                            List<String> attachmentIds, OffsetDateTime cutoff) {
        return scrubber.scrub((sql, params) -> connection.preparedQuery(sql).execute(Tuple.from(Arrays.asList(params)))
                .map(RowSet::rowCount), messageIds, streamKeys(tenants), tenants, attachmentIds, cutoff);
    }

    private static List<String> streamKeys(List<String> tenants) {
        return tenants.stream().distinct().map(t -> StreamKey.of(t, StreamName.CHANNEL).value()).toList();
    }
}
