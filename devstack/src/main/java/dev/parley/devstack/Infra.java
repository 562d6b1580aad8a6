package dev.parley.devstack;

import dev.parley.testing.EmbeddedKafka;
import dev.parley.testing.EmbeddedPg;
import dev.parley.testing.TokenIssuer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

/**
 * The infra process ({@code devstack infra}, started by {@code up}): one JVM that runs the KRaft Kafka broker and the
 * token issuer in-process, and PostgreSQL as its own child process from the embedded distribution. Data lives under
 * {@code <home>/data/{kafka,postgres}} and survives restarts (the Kafka cluster id is derived from the log dir, the
 * PostgreSQL data dir is reused). When everything is up it writes {@code <home>/run/infra.ready}; SIGTERM stops
 * issuer, Kafka and PostgreSQL cleanly.
 */
final class Infra {

    private static final Logger LOG = LoggerFactory.getLogger(Infra.class);

    private Infra() {
    }

    static void run(StackConfig config) throws Exception {
        long started = System.nanoTime();
        Path ready = config.runDir().resolve("infra.ready");
        Files.deleteIfExists(ready);
        Path pgData = config.dataDir().resolve("postgres");
        Path kafkaData = config.dataDir().resolve("kafka");
        Files.createDirectories(config.dataDir());

        // PostgreSQL (≈ 4 s) and Kafka (≈ 3.5 s) start side by side.
        CompletableFuture<EmbeddedPg> pg = CompletableFuture.supplyAsync(() -> {
            EmbeddedPg server = EmbeddedPg.persistent(config.pgPort(), pgData, false);
            for (String db : Component.databases()) {
                server.createDatabase(db);
            }
            return server;
        });
        CompletableFuture<EmbeddedKafka> kafka = CompletableFuture.supplyAsync(() -> {
            EmbeddedKafka broker = new EmbeddedKafka(kafkaData, config.kafkaPort(), config.kafkaControllerPort());
            broker.start();
            return broker;
        });
        TokenIssuer issuer = new TokenIssuer(config.issuerPort(), true);

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("stopping: token issuer, Kafka, PostgreSQL");
            quietly(issuer::close);
            quietly(() -> kafka.join().stop());
            quietly(() -> pg.join().close());
            quietly(() -> Files.deleteIfExists(ready));
            LOG.info("stopped");
            stopped.countDown();
        }, "infra-stop"));

        EmbeddedPg postgres = pg.join();
        EmbeddedKafka broker = kafka.join();
        String postgresPid = postmasterPid(pgData);
        Files.writeString(ready, "postgres.pid=" + postgresPid + "\n");
        LOG.info("ready in {} ms: Kafka {}, PostgreSQL localhost:{} (pid {}, databases {}), issuer {}",
                (System.nanoTime() - started) / 1_000_000, broker.bootstrapServers(), postgres.port(), postgresPid,
                Component.databases(), issuer.issuer());
        stopped.await();
    }

    /** The first line of PostgreSQL's own {@code postmaster.pid}: the server's process id. */
    static String postmasterPid(Path pgData) {
        try {
            List<String> lines = Files.readAllLines(pgData.resolve("postmaster.pid"));
            return lines.isEmpty() ? "" : lines.get(0).trim();
        } catch (IOException e) {
            return "";
        }
    }

    /** The pid {@code infra.ready} recorded for PostgreSQL, or -1. */
    static long recordedPostgresPid(StackConfig config) {
        try {
            Map<String, String> values = new java.util.HashMap<>();
            for (String line : Files.readAllLines(config.runDir().resolve("infra.ready"))) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    values.put(line.substring(0, eq), line.substring(eq + 1).trim());
                }
            }
            return Long.parseLong(values.getOrDefault("postgres.pid", "-1"));
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    private interface Step {
        void run() throws Exception;
    }

    private static void quietly(Step step) {
        try {
            step.run();
        } catch (Exception e) {
            LOG.warn("while stopping: {}", e.toString());
        }
    }
}
