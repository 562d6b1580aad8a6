package dev.parley.devstack;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Where the stack lives and which ports it uses. Every port comes from a flag ({@code --gateway-port=8080}), else
 * an environment variable ({@code PARLEY_GATEWAY_PORT}), else the default. Kafka, PostgreSQL and the issuer default
 * to ports a developer's own Kafka (9092) or PostgreSQL (5432) never use.
 *
 * <p>{@code up} writes the effective values to {@code .parley/run/stack.properties}; {@code status}, {@code down}
 * and {@code demo} read them back from there, so they always talk to the stack that actually runs.
 */
public final class StackConfig {

    public static final int DEFAULT_KAFKA_PORT = 19092;
    public static final int DEFAULT_KAFKA_CONTROLLER_PORT = 19093;
    public static final int DEFAULT_PG_PORT = 15432;
    public static final int DEFAULT_ISSUER_PORT = 18090;

    /** The repository root: the module folders with their fast-jars are below it. */
    private final Path repo;
    /** {@code .parley} (or {@code PARLEY_HOME}): data, logs, run (pid files). */
    private final Path home;
    private final Map<String, Integer> ports;

    private StackConfig(Path repo, Path home, Map<String, Integer> ports) {
        this.repo = repo;
        this.home = home;
        this.ports = ports;
    }

    /** From flags ({@code --x-port=N}), the environment and the defaults. */
    public static StackConfig resolve(List<String> flags, Map<String, String> env, Path repo) {
        Map<String, String> given = new LinkedHashMap<>();
        for (String flag : flags) {
            if (flag.startsWith("--") && flag.contains("=")) {
                given.put(flag.substring(2, flag.indexOf('=')), flag.substring(flag.indexOf('=') + 1));
            }
        }
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (Component c : Component.QUARKUS) {
            ports.put(c.name() + "-port", pick(given, env, c.name() + "-port", c.envPrefix() + "_PORT", c.httpPort()));
            ports.put(c.name() + "-mgmt-port",
                    pick(given, env, c.name() + "-mgmt-port", c.envPrefix() + "_MGMT_PORT", c.mgmtPort()));
        }
        ports.put("kafka-port", pick(given, env, "kafka-port", "PARLEY_KAFKA_PORT", DEFAULT_KAFKA_PORT));
        ports.put("kafka-controller-port", pick(given, env, "kafka-controller-port", "PARLEY_KAFKA_CONTROLLER_PORT",
                DEFAULT_KAFKA_CONTROLLER_PORT));
        ports.put("pg-port", pick(given, env, "pg-port", "PARLEY_PG_PORT", DEFAULT_PG_PORT));
        ports.put("issuer-port", pick(given, env, "issuer-port", "PARLEY_ISSUER_PORT", DEFAULT_ISSUER_PORT));

        List<String> duplicates = new ArrayList<>();
        Map<Integer, String> seen = new LinkedHashMap<>();
        ports.forEach((key, port) -> {
            String before = seen.putIfAbsent(port, key);
            if (before != null) {
                duplicates.add(before + " and " + key + " are both " + port);
            }
        });
        if (!duplicates.isEmpty()) {
            throw new UsageException("ports must differ: " + String.join(", ", duplicates));
        }
        String homeValue = given.getOrDefault("home", env.get("PARLEY_HOME"));
        Path home = homeValue == null || homeValue.isBlank() ? repo.resolve(".parley") : Path.of(homeValue);
        return new StackConfig(repo, home.toAbsolutePath().normalize(), ports);
    }

    private static int pick(Map<String, String> flags, Map<String, String> env, String flag, String envName,
                            int fallback) {
        String value = flags.containsKey(flag) ? flags.get(flag) : env.get(envName);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            int port = Integer.parseInt(value.trim());
            if (port < 1 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new UsageException((flags.containsKey(flag) ? "--" + flag : envName) + "=" + value
                    + " is not a port (1-65535)");
        }
    }

    /** The configuration {@code up} recorded, or {@code null} when no stack was started from this home. */
    public static StackConfig recorded(Path repo, Path home) {
        Path file = home.resolve("run").resolve("stack.properties");
        if (!Files.isRegularFile(file)) {
            return null;
        }
        Properties p = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            p.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (String key : p.stringPropertyNames()) {
            if (key.endsWith("port")) {
                ports.put(key, Integer.parseInt(p.getProperty(key)));
            }
        }
        return new StackConfig(repo, home, ports);
    }

    public void record() {
        Properties p = new Properties();
        ports.forEach((k, v) -> p.setProperty(k, String.valueOf(v)));
        try {
            Files.createDirectories(runDir());
            try (Writer writer = Files.newBufferedWriter(runDir().resolve("stack.properties"))) {
                p.store(writer, "the ports of the running local stack (written by ./parley up)");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path repo() {
        return repo;
    }

    public Path home() {
        return home;
    }

    public Path dataDir() {
        return home.resolve("data");
    }

    public Path logDir() {
        return home.resolve("logs");
    }

    public Path runDir() {
        return home.resolve("run");
    }

    public Path pidFile(Component c) {
        return runDir().resolve(c.name() + ".pid");
    }

    public Path logFile(Component c) {
        return logDir().resolve(c.name() + ".log");
    }

    public Path fastJar(Component c) {
        return repo.resolve(c.module()).resolve("target/quarkus-app/quarkus-run.jar");
    }

    public int httpPort(Component c) {
        return ports.get(c.name() + "-port");
    }

    public int mgmtPort(Component c) {
        return ports.get(c.name() + "-mgmt-port");
    }

    public int kafkaPort() {
        return ports.get("kafka-port");
    }

    public int kafkaControllerPort() {
        return ports.get("kafka-controller-port");
    }

    public int pgPort() {
        return ports.get("pg-port");
    }

    public int issuerPort() {
        return ports.get("issuer-port");
    }

    /** The issuer as the services see it: {@code iss} claim and the base of OIDC discovery. */
    public String issuerUrl() {
        return "http://127.0.0.1:" + issuerPort() + "/issuer";
    }

    public String devTokenUrl() {
        return "http://127.0.0.1:" + issuerPort() + "/dev/token";
    }

    public String gatewayUrl() {
        return "http://localhost:" + httpPort(Component.GATEWAY);
    }

    public String serviceUrl(Component c) {
        return "http://localhost:" + httpPort(c);
    }

    /** Every port with what it is for, in start order: the ports {@code up} needs free and {@code down} frees. */
    public Map<Integer, String> allPorts() {
        Map<Integer, String> all = new LinkedHashMap<>();
        all.put(kafkaPort(), "Kafka (PARLEY_KAFKA_PORT)");
        all.put(kafkaControllerPort(), "Kafka controller (PARLEY_KAFKA_CONTROLLER_PORT)");
        all.put(pgPort(), "PostgreSQL (PARLEY_PG_PORT)");
        all.put(issuerPort(), "token issuer (PARLEY_ISSUER_PORT)");
        for (Component c : Component.QUARKUS) {
            all.put(httpPort(c), c.name() + " HTTP (" + c.envPrefix() + "_PORT)");
            all.put(mgmtPort(c), c.name() + " management (" + c.envPrefix() + "_MGMT_PORT)");
        }
        return all;
    }

    /** Thrown for a wrong command line or environment: printed without a stack trace. */
    public static final class UsageException extends RuntimeException {
        public UsageException(String message) {
            super(message);
        }
    }
}
