package dev.parley.platform.streamlog;

import dev.parley.events.Service;
import dev.parley.events.StreamKey;
import dev.parley.platform.kafka.ParleyKafka;
import dev.parley.platform.metrics.PlatformMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.arc.properties.IfBuildProperty;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.pubsub.PgSubscriber;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgConnectOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Publishes the stream log to the service's events topic in {@code seq} order per stream (key = stream key,
 * idempotent producer, {@code acks=all}), then marks what the broker acknowledged.
 * <ul>
 *   <li>One relay at a time per database: each round holds a transaction-scoped advisory lock, so several replicas
 *       never interleave a stream's events.</li>
 *   <li>A commit wakes it at once ({@code LISTEN}/{@code NOTIFY}); the poll is only a fallback.</li>
 *   <li>Each stream's acknowledged prefix is marked, whatever happened to other streams of the round. A broker
 *       outage fails sends after the producer's delivery timeout; the producer is dropped (what was queued behind
 *       the expired record is aborted, never sent out of order), and the next round sends the rest again with a
 *       new producer. A crash between publish and mark re-sends a batch, which consumers drop by {@code seq}.</li>
 *   <li>A record the broker refuses for good (over its size limit, invalid) never blocks anything: it is set
 *       aside in {@code stream_log_dead_letter} with the reason (metric {@code parley.stream_log.dead_lettered}),
 *       counted as done, and its stream goes on. Subscribers still get it by replay from the owner.</li>
 * </ul>
 */
@ApplicationScoped
@IfBuildProperty(name = "parley.stream-log.enabled", stringValue = "true", enableIfMissing = true)
public class StreamLogRelay {

    private static final Logger LOG = Logger.getLogger(StreamLogRelay.class);

    private final Pool pool;
    private final Vertx vertx;
    private final ParleyKafka kafka;
    private final StreamLogConfig config;
    private final String topic;
    private final long lockId;
    private final String reactiveUrl;
    private final Optional<String> username;
    private final Optional<String> password;
    private final Counter published;
    private final Counter failures;
    private final Counter deadLettered;
    private final Timer lag;

    /** The backlog as last sampled: pending rows, oldest pending age in seconds, dead letters. */
    private final java.util.concurrent.atomic.AtomicLong pending = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong oldestPendingAge = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong deadLetters = new java.util.concurrent.atomic.AtomicLong();
    private long sampler = -1;

    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();
    private volatile boolean stopped;
    private Context context;
    private PgSubscriber subscriber;
    private long timer = -1;

    public StreamLogRelay(Pool pool, Vertx vertx, ParleyKafka kafka, StreamLogConfig config, MeterRegistry registry,
                          @ConfigProperty(name = "parley.service") Service service,
                          @ConfigProperty(name = "quarkus.datasource.reactive.url") String reactiveUrl,
                          @ConfigProperty(name = "quarkus.datasource.username") Optional<String> username,
                          @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password) {
        this.pool = pool;
        this.vertx = vertx;
        this.kafka = kafka;
        this.config = config;
        this.topic = kafka.topicNames().events(service);
        this.lockId = 0x5041524c4559L ^ service.id().hashCode();
        this.reactiveUrl = reactiveUrl;
        this.username = username;
        this.password = password;
        this.published = registry.counter(PlatformMetrics.STREAM_LOG_PUBLISHED);
        this.failures = registry.counter(PlatformMetrics.STREAM_LOG_RELAY_FAILURES);
        this.deadLettered = registry.counter(PlatformMetrics.STREAM_LOG_DEAD_LETTERED);
        registry.gauge(PlatformMetrics.STREAM_LOG_PENDING, pending);
        registry.gauge(PlatformMetrics.STREAM_LOG_OLDEST_PENDING_AGE, oldestPendingAge);
        registry.gauge(PlatformMetrics.STREAM_LOG_DEAD_LETTERS, deadLetters);
        this.lag = Timer.builder(PlatformMetrics.STREAM_LOG_RELAY_LAG)
                .description("Time from an event's commit to its acknowledgement by Kafka")
                .publishPercentileHistogram().register(registry);
    }

    void start(@Observes StartupEvent event) {
        context = vertx.getDelegate().getOrCreateContext();
        context.runOnContext(v -> {
            PgConnectOptions options = PgConnectOptions.fromUri(reactiveUrl.replaceFirst("^vertx-reactive:", ""));
            username.ifPresent(options::setUser);
            password.ifPresent(options::setPassword);
            subscriber = PgSubscriber.subscriber(vertx, options).reconnectPolicy(retries -> 500L);
            subscriber.channel(StreamLog.NOTIFY_CHANNEL).handler(payload -> wake());
            subscriber.connect().subscribe().with(ok -> wake(),
                    e -> LOG.warnf("stream-log LISTEN not connected (%s); relying on polling", e.toString()));
            timer = vertx.setPeriodic(config.relayPollInterval().toMillis(), id -> wake());
            sampler = vertx.setPeriodic(config.backlogSampleInterval().toMillis(), id -> sampleBacklog());
        });
    }

    void stop(@Observes ShutdownEvent event) {
        stopped = true;
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        if (sampler >= 0) {
            vertx.cancelTimer(sampler);
        }
        if (subscriber != null) {
            subscriber.closeAndForget();
        }
    }

    /** Samples the backlog into the gauges (one indexed statement; a failure leaves the last sample). */
    private void sampleBacklog() {
        pool.query("SELECT (SELECT count(*) FROM stream_log WHERE NOT published), "
                        + "(SELECT COALESCE(EXTRACT(EPOCH FROM now() - min(at)), 0) FROM stream_log WHERE NOT published), "
                        + "(SELECT count(*) FROM stream_log_dead_letter)")
                .execute()
                .subscribe().with(rows -> {
                    Row row = rows.iterator().next();
                    pending.set(row.getLong(0));
                    oldestPendingAge.set((long) Math.floor(row.getNumeric(1).doubleValue()));
                    deadLetters.set(row.getLong(2));
                }, e -> LOG.debugf("stream-log backlog not sampled: %s", e.toString()));
    }

    /** Runs a round now, or right after the one in progress. */
    public void wake() {
        if (stopped) {
            return;
        }
        again.set(true);
        if (running.compareAndSet(false, true)) {
            context.runOnContext(v -> loop());
        }
    }

    private void loop() {
        again.set(false);
        pool.withTransaction(this::round)
                .onFailure().invoke(e -> {
                    failures.increment();
                    LOG.warnf("stream-log relay round failed, will retry: %s", e.toString());
                })
                .onFailure().recoverWithItem(0)
                .subscribe().with(count -> {
                    boolean more = count >= config.relayBatchSize();
                    running.set(false);
                    if ((more || again.get()) && !stopped && running.compareAndSet(false, true)) {
                        context.runOnContext(v -> loop());
                    }
                });
    }

    private Uni<Integer> round(SqlConnection conn) {
        return conn.preparedQuery("SELECT pg_try_advisory_xact_lock($1)").execute(Tuple.of(lockId))
                .chain(lock -> {
                    if (!lock.iterator().next().getBoolean(0)) {
                        return Uni.createFrom().item(0);
                    }
                    return conn.preparedQuery("SELECT stream_key, seq, type, at, envelope, origin FROM stream_log "
                                    + "WHERE NOT published ORDER BY stream_key, seq LIMIT $1")
                            .execute(Tuple.of(config.relayBatchSize()))
                            .chain(rows -> publish(conn, rows));
                });
    }

    /** One row of a round: what was sent, and what became of it. */
    private record Sent(String key, long seq, String type, OffsetDateTime at, int bytes) {
    }

    private Uni<Integer> publish(SqlConnection conn, io.vertx.mutiny.sqlclient.RowSet<Row> rows) {
        if (rows.size() == 0) {
            return Uni.createFrom().item(0);
        }
        List<Sent> sent = new ArrayList<>(rows.size());
        List<Uni<Optional<Throwable>>> outcomes = new ArrayList<>(rows.size());
        for (Row row : rows) {
            String key = row.getString("stream_key");
            long seq = row.getLong("seq");
            byte[] value = row.getString("envelope").getBytes(StandardCharsets.UTF_8);
            sent.add(new Sent(key, seq, row.getString("type"), row.getOffsetDateTime("at"), value.length));
            outcomes.add(kafka.send(topic, key, row.getString("type"), seq, row.getString("origin"), value)
                    .map(ack -> Optional.<Throwable>empty())
                    .onFailure().recoverWithItem(Optional::of));
        }
        // every send settles before the round ends, so a retry never overlaps sends of the failed round
        return Uni.join().all(outcomes).andFailFast()
                .emitOn(runnable -> context.runOnContext(v -> runnable.run()))
                .chain(results -> settle(conn, sent, results));
    }

    /**
     * Marks, per stream, the prefix the broker acknowledged. A record the broker refuses for good is set aside as a
     * dead letter and counts as done, so its stream goes on after it; any other failure stops that stream's prefix
     * (the rest is sent again next round) and leaves every other stream alone. Answers how many rows are done.
     */
    private Uni<Integer> settle(SqlConnection conn, List<Sent> sent, List<Optional<Throwable>> results) {
        Map<String, Long> done = new LinkedHashMap<>();
        Set<String> blocked = new HashSet<>();
        List<Tuple> deadLetters = new ArrayList<>();
        List<Sent> acknowledged = new ArrayList<>(sent.size());
        Throwable failure = null;
        for (int i = 0; i < sent.size(); i++) {
            Sent row = sent.get(i);
            if (blocked.contains(row.key())) {
                continue;
            }
            Throwable error = results.get(i).orElse(null);
            if (error == null) {
                acknowledged.add(row);
            } else if (refusedForGood(error)) {
                LOG.warnf("stream-log relay: %s seq %d (%s, %d bytes) refused by the broker for good (%s); "
                        + "set aside as a dead letter, replay still serves it", row.key(), row.seq(), row.type(),
                        row.bytes(), error.toString());
                deadLetters.add(Tuple.of(row.key(), row.seq(), row.type(), row.bytes(), error.toString()));
            } else {
                blocked.add(row.key());
                failure = error;
                continue;
            }
            done.put(row.key(), row.seq());
        }
        if (failure != null) {
            failures.increment();
            LOG.warnf("stream-log relay: %d of %d events not acknowledged (%d streams held back), will retry: %s",
                    sent.size() - acknowledged.size() - deadLetters.size(), sent.size(), blocked.size(),
                    failure.toString());
        }
        if (done.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        Uni<Void> setAside = deadLetters.isEmpty() ? Uni.createFrom().voidItem()
                : conn.preparedQuery("INSERT INTO stream_log_dead_letter (stream_key, seq, type, bytes, reason) "
                        + "VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING").executeBatch(deadLetters)
                        .replaceWithVoid();
        List<Tuple> marks = new ArrayList<>(done.size());
        done.forEach((key, seq) -> marks.add(Tuple.of(key, seq)));
        int count = acknowledged.size() + deadLetters.size();
        return setAside
                .chain(() -> conn.preparedQuery("UPDATE stream_log SET published = true "
                        + "WHERE stream_key = $1 AND seq <= $2 AND NOT published").executeBatch(marks))
                .map(marked -> {
                    published.increment(acknowledged.size());
                    deadLettered.increment(deadLetters.size());
                    long now = System.currentTimeMillis();
                    for (Sent row : acknowledged) {
                        lag.record(Duration.ofMillis(Math.max(0, now - row.at().toInstant().toEpochMilli())));
                    }
                    // a round that held streams back does not run again at once: the poll retries it
                    return blocked.isEmpty() ? count : 0;
                });
    }

    /** The broker (or the producer's own check of the same limit) will never take this record, however often sent. */
    static boolean refusedForGood(Throwable error) {
        Throwable e = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                ? error.getCause() : error;
        return e instanceof RecordTooLargeException || e instanceof RecordBatchTooLargeException
                || e instanceof InvalidRecordException;
    }

    /** For tests and diagnostics: the stream key of a record as the relay publishes it. */
    static String keyOf(StreamKey key) {
        return key.value();
    }
}
