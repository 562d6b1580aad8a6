package dev.parley.rooms.messaging;

import dev.parley.events.StreamKey;
import dev.parley.rooms.config.RoomsConfig;
import dev.parley.rooms.domain.WebhookSignature;
import dev.parley.rooms.metrics.RoomsMetrics;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Optional webhook delivery of agent inboxes (ADR 0043). Each round, per configured target, under a row lock on its
 * cursor ({@code FOR UPDATE SKIP LOCKED}: one replica per target at a time), it POSTs the inbox events after the
 * cursor in seq order, one request each, signed with HMAC-SHA256. A failure (non-2xx, timeout, connection error)
 * stops the target's round and schedules a retry with exponential backoff; after {@code max-attempts} the event is
 * written to {@code webhook_dead_letters} and delivery continues with the next one.
 */
@ApplicationScoped
public class WebhookDispatcher {

    private static final Logger LOG = Logger.getLogger(WebhookDispatcher.class);

    private final Pool pool;
    private final RoomsConfig.Webhooks config;
    private final RoomsMetrics metrics;
    private final HttpClient http;

    public WebhookDispatcher(Pool pool, RoomsConfig config, RoomsMetrics metrics) {
        this.pool = pool;
        this.config = config.webhooks();
        this.metrics = metrics;
        this.http = HttpClient.newBuilder().connectTimeout(this.config.timeout()).build();
    }

    @Scheduled(every = "${parley.rooms.webhooks.poll-interval:1s}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> round() {
        if (config.targets().isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Multi.createFrom().iterable(List.copyOf(config.targets().values()))
                .onItem().transformToUniAndConcatenate(target -> deliver(target)
                        .onFailure().invoke(e -> LOG.warnf("webhook round for %s/%s failed: %s", target.tenant(),
                                target.app(), e.toString()))
                        .onFailure().recoverWithNull())
                .collect().last().replaceWithVoid();
    }

    /** One round for one target. */
    Uni<Void> deliver(RoomsConfig.Target target) {
        String key = StreamKey.inbox(target.tenant(), target.app()).value();
        return pool.withTransaction(conn -> conn
                .preparedQuery("INSERT INTO webhook_cursors (stream_key) VALUES ($1) ON CONFLICT DO NOTHING")
                .execute(Tuple.of(key))
                .chain(() -> conn.preparedQuery("SELECT delivered, attempts FROM webhook_cursors WHERE stream_key = $1 "
                        + "AND next_attempt_at <= now() FOR UPDATE SKIP LOCKED").execute(Tuple.of(key)))
                .chain(rows -> {
                    var it = rows.iterator();
                    if (!it.hasNext()) {
                        return Uni.createFrom().voidItem();
                    }
                    Row cursor = it.next();
                    return conn.preparedQuery("SELECT seq, envelope FROM stream_log WHERE stream_key = $1 AND seq > $2 "
                                    + "ORDER BY seq LIMIT $3")
                            .execute(Tuple.of(key, cursor.getLong(0), config.batchSize()))
                            .chain(events -> {
                                List<Row> pending = new ArrayList<>();
                                events.forEach(pending::add);
                                return send(conn, target, key, pending, 0, cursor.getInteger(1));
                            });
                }));
    }

    private Uni<Void> send(SqlConnection conn, RoomsConfig.Target target, String key, List<Row> pending, int index,
                           int attempts) {
        if (index >= pending.size()) {
            return Uni.createFrom().voidItem();
        }
        long seq = pending.get(index).getLong(0);
        String envelope = pending.get(index).getString(1);
        return post(target, key, seq, envelope).chain(error -> {
            if (error == null) {
                metrics.webhookAttempt("delivered");
                return conn.preparedQuery("UPDATE webhook_cursors SET delivered = $2, attempts = 0, last_error = NULL, "
                                + "next_attempt_at = now() WHERE stream_key = $1").execute(Tuple.of(key, seq))
                        .chain(() -> send(conn, target, key, pending, index + 1, 0));
            }
            int failed = attempts + 1;
            if (failed >= config.maxAttempts()) {
                metrics.webhookAttempt("dead_letter");
                LOG.warnf("webhook to %s gave up on %s#%d after %d attempts: %s", target.url(), key, seq, failed, error);
                return conn.preparedQuery("INSERT INTO webhook_dead_letters (stream_key, seq, url, envelope, attempts, "
                                + "last_error) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING")
                        .execute(Tuple.from(List.of(key, seq, target.url(), envelope, failed, error)))
                        .chain(() -> conn.preparedQuery("UPDATE webhook_cursors SET delivered = $2, attempts = 0, "
                                        + "last_error = $3, next_attempt_at = now() WHERE stream_key = $1")
                                .execute(Tuple.of(key, seq, error)))
                        .chain(() -> send(conn, target, key, pending, index + 1, 0));
            }
            metrics.webhookAttempt("retry");
            long delayMillis = WebhookSignature.backoff(failed, config.initialBackoff(), config.maxBackoff()).toMillis();
            return conn.preparedQuery("UPDATE webhook_cursors SET attempts = $2, last_error = $3, "
                            + "next_attempt_at = now() + ($4 * interval '1 millisecond') WHERE stream_key = $1")
                    .execute(Tuple.of(key, failed, error, delayMillis))
                    .replaceWithVoid();
        });
    }

    /** POSTs one event; null on a 2xx, else a short description of the failure. */
    private Uni<String> post(RoomsConfig.Target target, String key, long seq, String envelope) {
        byte[] body = envelope.getBytes(StandardCharsets.UTF_8);
        long timestamp = Instant.now().getEpochSecond();
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(URI.create(target.url()))
                    .timeout(config.timeout())
                    .header("Content-Type", "application/json")
                    .header("X-Parley-Timestamp", Long.toString(timestamp))
                    .header("X-Parley-Signature", WebhookSignature.sign(target.secret(), timestamp, body))
                    .header("X-Parley-Delivery", key + "#" + seq)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build();
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().item("invalid url: " + e.getMessage());
        }
        return Uni.createFrom().completionStage(() -> http.sendAsync(request, HttpResponse.BodyHandlers.discarding()))
                .map(response -> response.statusCode() / 100 == 2 ? null : "status " + response.statusCode())
                .onFailure().recoverWithItem(e -> e.getClass().getSimpleName() + ": " + e.getMessage());
    }
}
