package dev.parley.rooms.messaging;

import dev.parley.events.StreamKey;
import dev.parley.rooms.config.RoomsConfig;
import dev.parley.rooms.domain.WebhookSignature;
import dev.parley.rooms.metrics.RoomsMetrics;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Optional webhook delivery of agent inboxes (ADR 0043, ADR 0046). No transaction is ever open across an HTTP call:
 * <ol>
 *   <li><b>claim</b> (one statement): the due cursors of configured inboxes with undelivered events, not leased by
 *       anyone, are locked {@code FOR UPDATE SKIP LOCKED} and leased ({@code lease_until} = now + 3 × timeout) under
 *       a fresh token — at most as many as this replica has free slots ({@code parallelism});</li>
 *   <li><b>send</b>, outside any transaction: each claimed inbox on its own, its events in seq order, one POST
 *       each, signed with HMAC-SHA256; inboxes in parallel, so one slow target holds one slot, not everyone;</li>
 *   <li><b>acknowledge</b> (one short statement per event): the cursor moves on and the lease is renewed — only while
 *       the token still holds it; a lost lease stops this replica's work on that inbox.</li>
 * </ol>
 * A failure (non-2xx, timeout, connection error) stops the inbox and releases it with a retry after the doubling
 * backoff, jittered (half of it random) so targets that failed together do not retry together; the
 * {@code max-attempts}-th failure dead-letters the event (one transaction with the cursor) and delivery goes on.
 * Rounds run every {@code poll-interval} and only start work: they never wait for a delivery to end.
 */
@ApplicationScoped
public class WebhookDispatcher {

    private static final Logger LOG = Logger.getLogger(WebhookDispatcher.class);

    /** One inbox this replica leased: where its cursor stood, and the token that proves the lease. */
    public record Claim(String key, long delivered, int attempts, UUID token) {
    }

    private final Pool pool;
    private final RoomsConfig.Webhooks config;
    private final RoomsMetrics metrics;
    private final HttpClient http;
    /** Inbox stream key → its target (the first configured one, if two name the same inbox). */
    private final Map<String, RoomsConfig.Target> targets = new LinkedHashMap<>();
    /** Inboxes this replica is delivering now (a slot each). */
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final long leaseMillis;
    private volatile boolean cursorsReady;

    public WebhookDispatcher(Pool pool, RoomsConfig config, RoomsMetrics metrics) {
        this.pool = pool;
        this.config = config.webhooks();
        this.metrics = metrics;
        this.http = HttpClient.newBuilder().connectTimeout(this.config.timeout()).build();
        // one POST takes at most connect + request timeout; every acknowledgement renews the lease
        this.leaseMillis = this.config.timeout().multipliedBy(3).toMillis();
        for (RoomsConfig.Target target : this.config.targets().values()) {
            String key = StreamKey.inbox(target.tenant(), target.app()).value();
            if (targets.putIfAbsent(key, target) != null) {
                LOG.warnf("two webhook targets name the inbox %s; only %s is served", key, targets.get(key).url());
            }
        }
    }

    @Scheduled(every = "${parley.rooms.webhooks.poll-interval:1s}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> round() {
        return claimAndStart().onFailure().invoke(e -> LOG.warnf("webhook round failed: %s", e.toString()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /**
     * One round: claims as many due inboxes as there are free slots and starts delivering them without waiting.
     * Returns how many were claimed. (The scheduler calls it every {@code poll-interval}; so may a test.)
     */
    public Uni<Integer> claimAndStart() {
        int free = config.parallelism() - inFlight.size();
        if (targets.isEmpty() || free <= 0) {
            return Uni.createFrom().item(0);
        }
        List<String> idle = targets.keySet().stream().filter(k -> !inFlight.contains(k)).toList();
        return ensureCursors().chain(() -> claim(idle, free)).map(claims -> {
            claims.forEach(this::start);
            return claims.size();
        });
    }

    private Uni<Void> ensureCursors() {
        if (cursorsReady) {
            return Uni.createFrom().voidItem();
        }
        return pool.preparedQuery("INSERT INTO webhook_cursors (stream_key) SELECT unnest($1::text[]) "
                        + "ON CONFLICT DO NOTHING").execute(Tuple.of(targets.keySet().toArray(String[]::new)))
                .invoke(() -> cursorsReady = true).replaceWithVoid();
    }

    /**
     * Leases up to {@code limit} of {@code keys} whose cursor is due, not leased, and behind its stream (one
     * statement, so its own short transaction). Rows another replica is claiming at this moment are skipped, rows it
     * leased are not due until the lease ends, so no two claims ever hold the same inbox.
     */
    public Uni<List<Claim>> claim(List<String> keys, int limit) {
        if (keys.isEmpty() || limit <= 0) {
            return Uni.createFrom().item(List.of());
        }
        UUID token = UUID.randomUUID();
        return pool.preparedQuery("""
                        WITH due AS (
                            SELECT c.stream_key FROM webhook_cursors c
                            WHERE c.stream_key = ANY($1::text[]) AND c.next_attempt_at <= now()
                              AND (c.lease_until IS NULL OR c.lease_until < now())
                              AND EXISTS (SELECT 1 FROM stream_log l
                                          WHERE l.stream_key = c.stream_key AND l.seq > c.delivered)
                            ORDER BY c.next_attempt_at
                            LIMIT $2
                            FOR UPDATE OF c SKIP LOCKED)
                        UPDATE webhook_cursors w
                        SET lease_until = now() + $3 * interval '1 millisecond', lease_token = $4
                        FROM due WHERE w.stream_key = due.stream_key
                        RETURNING w.stream_key, w.delivered, w.attempts""")
                .execute(Tuple.of(keys.toArray(String[]::new), limit, leaseMillis, token))
                .map(rows -> {
                    List<Claim> claims = new ArrayList<>();
                    for (Row row : rows) {
                        claims.add(new Claim(row.getString(0), row.getLong(1), row.getInteger(2), token));
                    }
                    return claims;
                });
    }

    /** Gives a lease up (when done, or in tests); nothing if the token no longer holds it. */
    public Uni<Boolean> release(Claim claim) {
        return pool.preparedQuery("UPDATE webhook_cursors SET lease_until = NULL, lease_token = NULL "
                        + "WHERE stream_key = $1 AND lease_token = $2").execute(Tuple.of(claim.key(), claim.token()))
                .map(rows -> rows.rowCount() == 1);
    }

    private void start(Claim claim) {
        RoomsConfig.Target target = targets.get(claim.key());
        inFlight.add(claim.key());
        deliver(target, claim)
                .onTermination().invoke(() -> inFlight.remove(claim.key()))
                .subscribe().with(ok -> {
                }, e -> LOG.warnf("webhook delivery of %s to %s failed: %s", claim.key(), target.url(), e.toString()));
    }

    /** Delivers one claimed inbox: the events after its cursor, up to {@code batch-size}, then releases it. */
    Uni<Void> deliver(RoomsConfig.Target target, Claim claim) {
        return pool.preparedQuery("SELECT seq, envelope FROM stream_log WHERE stream_key = $1 AND seq > $2 "
                        + "ORDER BY seq LIMIT $3").execute(Tuple.of(claim.key(), claim.delivered(), config.batchSize()))
                .chain(rows -> {
                    List<Row> pending = new ArrayList<>();
                    rows.forEach(pending::add);
                    return send(target, claim, pending, 0, claim.attempts());
                })
                .chain(release -> release ? release(claim).replaceWithVoid() : Uni.createFrom().voidItem());
    }

    /** Sends {@code pending[index..]} in order; true when the lease should be released (done), false when not held. */
    private Uni<Boolean> send(RoomsConfig.Target target, Claim claim, List<Row> pending, int index, int attempts) {
        if (index >= pending.size()) {
            return Uni.createFrom().item(true);
        }
        long seq = pending.get(index).getLong(0);
        String envelope = pending.get(index).getString(1);
        return post(target, claim.key(), seq, envelope).chain(error -> {
            if (error == null) {
                metrics.webhookAttempt("delivered");
                return acknowledge(claim, seq).chain(held -> held
                        ? send(target, claim, pending, index + 1, 0) : lost(claim));
            }
            int failed = attempts + 1;
            if (failed >= config.maxAttempts()) {
                metrics.webhookAttempt("dead_letter");
                LOG.warnf("webhook to %s gave up on %s#%d after %d attempts: %s", target.url(), claim.key(), seq,
                        failed, error);
                return deadLetter(target, claim, seq, envelope, failed, error).chain(held -> held
                        ? send(target, claim, pending, index + 1, 0) : lost(claim));
            }
            metrics.webhookAttempt("retry");
            Duration backoff = WebhookSignature.jittered(
                    WebhookSignature.backoff(failed, config.initialBackoff(), config.maxBackoff()),
                    ThreadLocalRandom.current().nextDouble());
            return pool.preparedQuery("UPDATE webhook_cursors SET attempts = $2, last_error = $3, "
                            + "next_attempt_at = now() + $4 * interval '1 millisecond', lease_until = NULL, "
                            + "lease_token = NULL WHERE stream_key = $1 AND lease_token = $5")
                    .execute(Tuple.from(List.of(claim.key(), failed, error, backoff.toMillis(), claim.token())))
                    .map(rows -> false); // released with the retry time
        });
    }

    private Uni<Boolean> lost(Claim claim) {
        LOG.warnf("webhook lease of %s was lost (held longer than %d ms); another replica continues", claim.key(),
                leaseMillis);
        return Uni.createFrom().item(false);
    }

    /** The event was delivered: the cursor moves on and the lease is renewed, if the token still holds it. */
    private Uni<Boolean> acknowledge(Claim claim, long seq) {
        return pool.preparedQuery("UPDATE webhook_cursors SET delivered = $2, attempts = 0, last_error = NULL, "
                        + "next_attempt_at = now(), lease_until = now() + $3 * interval '1 millisecond' "
                        + "WHERE stream_key = $1 AND lease_token = $4")
                .execute(Tuple.of(claim.key(), seq, leaseMillis, claim.token()))
                .map(rows -> rows.rowCount() == 1);
    }

    /** Gives up on one event: the dead letter and the moved cursor in one short transaction, under the lease. */
    private Uni<Boolean> deadLetter(RoomsConfig.Target target, Claim claim, long seq, String envelope, int attempts,
                                    String error) {
        return pool.withTransaction(conn -> conn.preparedQuery("UPDATE webhook_cursors SET delivered = $2, "
                                + "attempts = 0, last_error = $3, next_attempt_at = now(), "
                                + "lease_until = now() + $4 * interval '1 millisecond' "
                                + "WHERE stream_key = $1 AND lease_token = $5")
                .execute(Tuple.from(List.of(claim.key(), seq, error, leaseMillis, claim.token())))
                .chain(rows -> rows.rowCount() != 1 ? Uni.createFrom().item(false) : conn.preparedQuery(
                                "INSERT INTO webhook_dead_letters (stream_key, seq, url, envelope, attempts, "
                                        + "last_error) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING")
                        .execute(Tuple.from(List.of(claim.key(), seq, target.url(), envelope, attempts, error)))
                        .map(done -> true)));
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
