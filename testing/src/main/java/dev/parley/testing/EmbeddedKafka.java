package dev.parley.testing;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.utils.Time;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.UUID;

/**
 * A real Apache Kafka broker, one combined broker + controller KRaft node, from Kafka's own jars, in this JVM.
 * It can be stopped and started again on the same ports and log directory (the outage tests do).
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static EmbeddedKafka shared;

    private final Path logDir;
    private final int brokerPort;
    private final int controllerPort;
    private final String clusterId;
    private KafkaRaftServer server;

    public EmbeddedKafka(Path logDir, int brokerPort, int controllerPort) {
        this.logDir = logDir;
        this.brokerPort = brokerPort;
        this.controllerPort = controllerPort;
        this.clusterId = clusterIdFor(logDir);
    }

    /** One broker per JVM, shared by every test class; stopped when the JVM exits. */
    public static synchronized EmbeddedKafka shared() {
        if (shared == null) {
            // only a broker that really started becomes the shared one
            EmbeddedKafka kafka = Starts.withRetries(() -> {
                EmbeddedKafka attempt;
                try {
                    attempt = new EmbeddedKafka(Files.createTempDirectory("parley-kafka"), Ports.free(), Ports.free());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                attempt.start();
                return attempt;
            });
            shared = kafka;
            Runtime.getRuntime().addShutdownHook(new Thread(kafka::stop, "embedded-kafka-stop"));
        }
        return shared;
    }

    public String bootstrapServers() {
        return "localhost:" + brokerPort;
    }

    public synchronized boolean isRunning() {
        return server != null;
    }

    public synchronized void start() {
        if (server != null) {
            return;
        }
        try {
            Files.createDirectories(logDir);
            Path configFile = logDir.resolve("server.properties");
            Properties props = properties();
            try (Writer writer = Files.newBufferedWriter(configFile)) {
                props.store(writer, "parley embedded kafka");
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int formatted = StorageTool.execute(new String[] {"format", "--cluster-id", clusterId, "--config",
                    configFile.toString(), "--ignore-formatted"}, new PrintStream(out, true, StandardCharsets.UTF_8));
            if (formatted != 0) {
                throw new IllegalStateException("formatting the KRaft storage failed (" + formatted + "): "
                        + out.toString(StandardCharsets.UTF_8));
            }
            KafkaRaftServer raftServer = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
            try {
                raftServer.startup();
            } catch (RuntimeException e) {
                raftServer.shutdown(); // a listener that could not bind: release what did start
                throw e;
            }
            server = raftServer;
        } catch (Exception e) {
            throw new IllegalStateException("Kafka did not start in " + logDir, e);
        }
    }

    public synchronized void stop() {
        if (server == null) {
            return;
        }
        server.shutdown();
        server.awaitShutdown();
        server = null;
    }

    @Override
    public void close() {
        stop();
    }

    private Properties properties() {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@localhost:" + controllerPort);
        p.put("listeners", "PLAINTEXT://localhost:" + brokerPort + ",CONTROLLER://localhost:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://localhost:" + brokerPort);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", logDir.resolve("data").toString());
        p.put("num.partitions", "4");
        p.put("auto.create.topics.enable", "true");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "4");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("min.insync.replicas", "1");
        p.put("default.replication.factor", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("controller.quorum.election.timeout.ms", "500");
        p.put("controller.quorum.fetch.timeout.ms", "1000");
        p.put("controller.quorum.election.backoff.max.ms", "200");
        p.put("broker.heartbeat.interval.ms", "200");
        p.put("broker.session.timeout.ms", "3000");
        p.put("log.cleaner.backoff.ms", "1000");
        p.put("log.segment.delete.delay.ms", "1000");
        return p;
    }

    /**
     * A cluster id that is stable per directory (so a restart reuses the formatted storage). Like Kafka's own
     * {@code Uuid.randomUuid()}, it never starts with '-': the format tool's argument parser would take such an id for
     * an option (1 directory in 64 failed to format before this).
     */
    static String clusterIdFor(Path dir) {
        String seed = dir.toAbsolutePath().toString();
        while (true) {
            UUID uuid = UUID.nameUUIDFromBytes(seed.getBytes(StandardCharsets.UTF_8));
            byte[] bytes = java.nio.ByteBuffer.allocate(16)
                    .putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits()).array();
            String id = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            if (!id.startsWith("-")) {
                return id;
            }
            seed = seed + "/";
        }
    }
}
