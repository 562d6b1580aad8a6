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
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
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
 *   <li>A broker outage fails the round after the producer's delivery timeout; the producer is dropped (what was
 *       queued behind the expired record is aborted, never sent out of order), nothing is marked, and the next
 *       round sends again with a new producer. A crash between publish and mark re-sends a batch, which consumers
 *       drop by {@code seq}.</li>
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
    private final Timer lag;

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
        });
    }

    void stop(@Observes ShutdownEvent event) {
        stopped = true;
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        if (subscriber != null) {
            subscriber.closeAndForget();
        }
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

    private Uni<Integer> publish(SqlConnection conn, io.vertx.mutiny.sqlclient.RowSet<Row> rows) {
        if (rows.size() == 0) {
            return Uni.createFrom().item(0);
        }
        List<Uni<Void>> sends = new ArrayList<>(rows.size());
        Map<String, Long> highest = new LinkedHashMap<>();
        List<OffsetDateTime> times = new ArrayList<>(rows.size());
        for (Row row : rows) {
            String key = row.getString("stream_key");
            long seq = row.getLong("seq");
            highest.put(key, seq);
            times.add(row.getOffsetDateTime("at"));
            sends.add(kafka.send(topic, key, row.getString("type"), seq, row.getString("origin"),
                    row.getString("envelope").getBytes(StandardCharsets.UTF_8)).replaceWithVoid());
        }
        // every send settles before the round ends, so a retry never overlaps sends of the failed round
        return Uni.join().all(sends).andCollectFailures()
                .emitOn(runnable -> context.runOnContext(v -> runnable.run()))
                .chain(() -> {
                    List<Tuple> marks = new ArrayList<>(highest.size());
                    highest.forEach((key, seq) -> marks.add(Tuple.of(key, seq)));
                    return conn.preparedQuery("UPDATE stream_log SET published = true "
                                    + "WHERE stream_key = $1 AND seq <= $2 AND NOT published")
                            .executeBatch(marks);
                })
                .map(done -> {
                    published.increment(rows.size());
                    long now = System.currentTimeMillis();
                    for (OffsetDateTime at : times) {
                        lag.record(Duration.ofMillis(Math.max(0, now - at.toInstant().toEpochMilli())));
                    }
                    return rows.size();
                });
    }

    /** For tests and diagnostics: the stream key of a record as the relay publishes it. */
    static String keyOf(StreamKey key) {
        return key.value();
    }
}
