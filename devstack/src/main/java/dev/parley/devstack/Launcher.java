package dev.parley.devstack;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * {@code up}, {@code down} and {@code status}: the process model of docs/adr/0060-devstack-process-model.md.
 */
final class Launcher {

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();

    private final StackConfig config;
    private final PrintStream out;
    private final Map<String, String> env;
    private final Duration startTimeout;

    Launcher(StackConfig config, Map<String, String> env, PrintStream out) {
        this.config = config;
        this.out = out;
        this.env = env;
        this.startTimeout = Duration.ofSeconds(parseInt(env.get("PARLEY_START_TIMEOUT"), 180));
    }

    // ------------------------------------------------------------------------------------------------------ up

    /** Returns the exit code. */
    int up(boolean foreground, boolean fresh) {
        Map<Component, Optional<ProcessHandle>> running = new LinkedHashMap<>();
        StackConfig recorded = StackConfig.recorded(config.repo(), config.home());
        StackConfig current = recorded != null ? recorded : config;
        for (Component c : Component.ALL) {
            running.put(c, Processes.recorded(current, c));
        }
        long alive = running.values().stream().filter(Optional::isPresent).count();
        if (alive == Component.ALL.size()) {
            out.println("Parley is already running (./parley status shows it; ./parley down stops it).");
            new Launcher(current, env, out).banner(-1);
            return 0;
        }
        if (alive > 0) {
            out.println("Part of a Parley stack from " + config.home() + " is still running: "
                    + running.entrySet().stream().filter(e -> e.getValue().isPresent())
                    .map(e -> e.getKey().name() + " (pid " + e.getValue().get().pid() + ")").toList()
                    + ". Run ./parley down first.");
            return 1;
        }

        List<String> problems = new ArrayList<>();
        config.allPorts().forEach((port, what) -> {
            if (Processes.portInUse(port)) {
                problems.add("  port " + port + " (" + what + ") is already in use");
            }
        });
        if (!problems.isEmpty()) {
            out.println("Cannot start Parley: ports are taken.");
            problems.forEach(out::println);
            out.println("Free them, or choose other ports with the environment variables named above "
                    + "(or flags such as --gateway-port=18080).");
            return 2;
        }
        for (Component c : Component.QUARKUS) {
            if (!Files.isRegularFile(config.fastJar(c))) {
                out.println("Cannot start Parley: " + config.repo().relativize(config.fastJar(c))
                        + " is missing. Build first: ./mvnw -B -q -DskipTests install (./parley does it for you).");
                return 2;
            }
        }

        long started = System.nanoTime();
        try {
            if (fresh) {
                out.println("--fresh: wiping " + config.dataDir());
                deleteTree(config.dataDir());
            }
            Files.createDirectories(config.dataDir());
            Files.createDirectories(config.logDir());
            Files.createDirectories(config.runDir());
            // The folder ignores itself in git, whatever the repository's .gitignore says.
            Files.writeString(config.home().resolve(".gitignore"), "*\n");
            for (Component c : Component.ALL) {
                Files.deleteIfExists(config.pidFile(c));
            }
            Files.deleteIfExists(config.runDir().resolve("infra.ready"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        config.record();

        out.println("Starting Parley from " + config.repo() + " (logs: " + rel(config.logDir()) + ")");
        try {
            startInfra();
            step("infra", "Kafka :" + config.kafkaPort() + ", PostgreSQL :" + config.pgPort() + ", issuer :"
                    + config.issuerPort(), started);
            List<CompletableFuture<Void>> services = new ArrayList<>();
            for (Component c : Component.SERVICES) {
                Process p = startService(c);
                services.add(CompletableFuture.runAsync(() -> awaitReady(c, p)));
            }
            joinAll(services);
            step("services", "presence :" + config.httpPort(Component.PRESENCE) + ", channel :"
                    + config.httpPort(Component.CHANNEL) + ", rooms :" + config.httpPort(Component.ROOMS)
                    + ", sessions :" + config.httpPort(Component.SESSIONS), started);
            Process gateway = startService(Component.GATEWAY);
            awaitReady(Component.GATEWAY, gateway);
            step("gateway", config.gatewayUrl(), started);
        } catch (StartFailure failure) {
            out.println();
            out.println("✗ " + failure.getMessage());
            out.println("  last lines of " + rel(failure.log) + ":");
            Processes.tail(failure.log, 25).lines().forEach(line -> out.println("    " + line));
            out.println("Stopping what was started …");
            down();
            return 1;
        }
        banner((System.nanoTime() - started) / 1_000_000);

        if (foreground) {
            out.println("Attached (--foreground): Ctrl-C stops the stack.");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                out.println();
                out.println("Stopping Parley (Ctrl-C) …");
                down();
            }, "parley-down"));
            try {
                Thread.currentThread().join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return 0;
    }

    private void step(String what, String detail, long since) {
        out.printf(Locale.ROOT, "  ✓ %-9s ready %6.1f s  %s%n", what, (System.nanoTime() - since) / 1e9, detail);
    }

    private void startInfra() {
        Component c = Component.INFRA;
        List<String> command = new ArrayList<>();
        command.add(javaBin());
        command.add(Processes.marker(config, c));
        command.add("-Xms64m");
        command.add("-Xmx768m");
        command.add("-XX:+UseSerialGC");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-cp");
        command.add(absoluteClassPath());
        command.add(Devstack.class.getName());
        command.add("infra");
        command.add("--home=" + config.home());
        command.add("--kafka-port=" + config.kafkaPort());
        command.add("--kafka-controller-port=" + config.kafkaControllerPort());
        command.add("--pg-port=" + config.pgPort());
        command.add("--issuer-port=" + config.issuerPort());
        Process p = Processes.start(command, config.logFile(c), config.runDir());
        Processes.writePid(config.pidFile(c), p.pid());
        Path ready = config.runDir().resolve("infra.ready");
        long deadline = System.nanoTime() + startTimeout.toNanos();
        while (!Files.exists(ready)) {
            if (!p.isAlive()) {
                throw new StartFailure("infra (Kafka, PostgreSQL, issuer) exited with code " + p.exitValue(),
                        config.logFile(c));
            }
            if (System.nanoTime() > deadline) {
                throw new StartFailure("infra was not ready within " + startTimeout.toSeconds() + " s",
                        config.logFile(c));
            }
            pause(100);
        }
    }

    private Process startService(Component c) {
        List<String> command = new ArrayList<>();
        command.add(javaBin());
        command.add(Processes.marker(config, c));
        command.addAll(jvmOptions(c));
        Map<String, String> props = serviceProperties(c);
        props.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add("-jar");
        command.add(snapshot(c).resolve("quarkus-run.jar").toString());
        Process p = Processes.start(command, config.logFile(c), config.runDir().resolve("work-" + c.name()));
        Processes.writePid(config.pidFile(c), p.pid());
        return p;
    }

    /**
     * The service runs from a snapshot of its {@code target/quarkus-app} under {@code .parley/app/<name>} (hard links,
     * or copies across file systems): a rebuild while the stack runs replaces {@code target/quarkus-app} (Quarkus
     * empties and rewrites it) without pulling class files from under a running JVM.
     */
    private Path snapshot(Component c) {
        Path source = config.fastJar(c).getParent();
        Path target = config.home().resolve("app").resolve(c.name());
        try {
            deleteTree(target);
            try (Stream<Path> walk = Files.walk(source)) {
                for (Path from : walk.toList()) {
                    Path to = target.resolve(source.relativize(from).toString());
                    if (Files.isDirectory(from)) {
                        Files.createDirectories(to);
                    } else {
                        try {
                            Files.createLink(to, from);
                        } catch (IOException | UnsupportedOperationException e) {
                            Files.copy(from, to);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new StartFailure("could not snapshot " + source + ": " + e, config.logFile(c));
        }
        return target;
    }

    /**
     * Small heaps and C1 only: six JVMs share a laptop (or 2 CI cores), and start-up matters more than peak
     * throughput here. (A dynamic AppCDS archive was tried and dropped: writing it at exit made {@code down} slow
     * and it was killed half-written under load.) {@code PARLEY_JAVA_OPTS} is appended, so it wins.
     */
    private List<String> jvmOptions(Component c) {
        List<String> options = new ArrayList<>(List.of(
                "-Xms64m", c == Component.GATEWAY ? "-Xmx512m" : "-Xmx384m",
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:+ExitOnOutOfMemoryError"));
        String extra = env.get("PARLEY_JAVA_OPTS");
        if (extra != null && !extra.isBlank()) {
            options.addAll(List.of(extra.trim().split("\\s+")));
        }
        return options;
    }

    /** The configuration of one service, as {@code -D} system properties (docs: devstack/README.md). */
    Map<String, String> serviceProperties(Component c) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("quarkus.http.host", "127.0.0.1");
        p.put("quarkus.http.port", String.valueOf(config.httpPort(c)));
        p.put("quarkus.management.host", "127.0.0.1");
        p.put("quarkus.management.port", String.valueOf(config.mgmtPort(c)));
        p.put("kafka.bootstrap.servers", "localhost:" + config.kafkaPort());
        p.put("quarkus.oidc.auth-server-url", config.issuerUrl());
        if (c.database() != null) {
            p.put("quarkus.datasource.reactive.url", "postgresql://localhost:" + config.pgPort() + "/" + c.database());
            p.put("quarkus.datasource.jdbc.url",
                    "jdbc:postgresql://localhost:" + config.pgPort() + "/" + c.database());
            p.put("quarkus.datasource.username", "postgres");
            p.put("quarkus.datasource.password", "postgres");
        }
        if (c == Component.GATEWAY) {
            for (Component s : Component.SERVICES) {
                p.put("parley.gateway.services." + s.name() + ".url", config.serviceUrl(s));
            }
            p.put("parley.gateway.dev-token-url", config.devTokenUrl());
            // a production-mode gateway needs a real ticket secret; a new one per stack (tickets live 30 s)
            p.put("parley.gateway.ticket-secret", TICKET_SECRET);
        }
        return p;
    }

    private static final String TICKET_SECRET = newSecret();

    private static String newSecret() {
        byte[] bytes = new byte[32];
        new java.security.SecureRandom().nextBytes(bytes);
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private void awaitReady(Component c, Process p) {
        long deadline = System.nanoTime() + startTimeout.toNanos();
        while (true) {
            if (!p.isAlive()) {
                throw new StartFailure(c.name() + " (" + c.module() + ") exited with code " + p.exitValue()
                        + " before it was ready", config.logFile(c));
            }
            if (ready(c) == 200) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new StartFailure(c.name() + " was not ready within " + startTimeout.toSeconds() + " s ("
                        + readyUrl(c) + " answered " + ready(c) + ")", config.logFile(c));
            }
            pause(200);
        }
    }

    String readyUrl(Component c) {
        return "http://localhost:" + config.mgmtPort(c) + "/q/health/ready";
    }

    /** The status of the readiness check, or 0 when nothing answers. */
    int ready(Component c) {
        if (c == Component.INFRA) {
            return Files.exists(config.runDir().resolve("infra.ready"))
                    && get(config.issuerUrl() + "/.well-known/openid-configuration") == 200
                    && Processes.portInUse(config.kafkaPort()) && Processes.portInUse(config.pgPort()) ? 200 : 503;
        }
        return get(readyUrl(c));
    }

    private static int get(String url) {
        try {
            HttpResponse<Void> response = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.discarding());
            return response.statusCode();
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    void banner(long readyMillis) {
        String g = config.gatewayUrl();
        out.println();
        out.println(readyMillis >= 0
                ? String.format(Locale.ROOT, "Parley is up — ready in %.1f s.", readyMillis / 1e3)
                : "Parley is up.");
        out.println();
        out.println("  Gateway     " + g + "   REST /api/**, SSE …/stream, WebSocket /api/ws");
        out.println("  Dev token   curl -s -X POST localhost:" + config.httpPort(Component.GATEWAY)
                + "/dev/token -d '{\"tenant\":\"acme\",\"user\":\"ada\",\"name\":\"Ada\"}'");
        out.println("  OpenAPI     http://localhost:" + config.mgmtPort(Component.GATEWAY) + "/q/openapi"
                + "   (health /q/health, metrics /q/metrics on every management port)");
        StringBuilder services = new StringBuilder();
        for (Component c : Component.SERVICES) {
            services.append(c.name()).append(" :").append(config.httpPort(c)).append("/:").append(config.mgmtPort(c))
                    .append("  ");
        }
        out.println("  Services    " + services.toString().trim());
        out.println("  Kafka       localhost:" + config.kafkaPort());
        out.println("  PostgreSQL  localhost:" + config.pgPort() + "  user postgres / postgres, databases "
                + String.join(", ", Component.databases()));
        out.println("  Issuer      " + config.issuerUrl());
        out.println("  Logs        " + rel(config.logDir()) + "/<name>.log    data " + rel(config.dataDir())
                + " (kept; --fresh wipes)");
        out.println();
        out.println("  ./parley demo     seeds tenant acme (people, a room with agents, a shared session, messages)");
        out.println("  ./parley status   shows what runs;  ./parley down   stops everything");
    }

    // ---------------------------------------------------------------------------------------------------- down

    /** Stops exactly the recorded processes (and their children), gateway first, infra last. Returns the exit code. */
    int down() {
        StackConfig recorded = StackConfig.recorded(config.repo(), config.home());
        StackConfig current = recorded != null ? recorded : config;
        List<String> stopped = new ArrayList<>();
        stopAll(current, List.of(Component.GATEWAY), stopped);
        stopAll(current, Component.SERVICES, stopped);
        long postgresPid = Infra.recordedPostgresPid(current);
        Optional<ProcessHandle> postgres = postgresPid > 0 ? ProcessHandle.of(postgresPid) : Optional.empty();
        stopAll(current, List.of(Component.INFRA), stopped);
        // PostgreSQL is a child of infra and stops with it; should infra have died hard before, stop it ourselves.
        postgres.filter(ProcessHandle::isAlive).filter(h -> isOurPostgres(h, current)).ifPresent(h -> {
            Processes.stopTree(h, Duration.ofSeconds(10));
            stopped.add("postgres (" + h.pid() + ")");
        });
        for (Component c : Component.ALL) {
            try {
                Files.deleteIfExists(current.pidFile(c));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        out.println(stopped.isEmpty() ? "Nothing was running." : "Stopped " + String.join(", ", stopped) + ".");

        List<String> busy = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        do {
            busy.clear();
            current.allPorts().forEach((port, what) -> {
                if (Processes.portInUse(port)) {
                    busy.add(port + " (" + what + ")");
                }
            });
            if (busy.isEmpty()) {
                break;
            }
            pause(200);
        } while (System.nanoTime() < deadline);
        if (!busy.isEmpty()) {
            out.println("Warning: still in use after stopping: " + String.join(", ", busy)
                    + " — not by a process this stack recorded.");
            return 1;
        }
        out.println("All ports of the stack are free.");
        return 0;
    }

    private void stopAll(StackConfig current, List<Component> components, List<String> stopped) {
        List<CompletableFuture<Void>> stops = new ArrayList<>();
        for (Component c : components) {
            long pid = Processes.readPid(current.pidFile(c));
            Optional<ProcessHandle> handle = Processes.recorded(current, c);
            if (handle.isEmpty()) {
                if (pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                    out.println("  pid " + pid + " recorded for " + c.name()
                            + " is no longer a Parley process: left alone");
                }
                continue;
            }
            stops.add(CompletableFuture.runAsync(() -> {
                long t0 = System.nanoTime();
                Processes.stopTree(handle.get(),
                        c == Component.INFRA ? Duration.ofSeconds(30) : Duration.ofSeconds(20));
                synchronized (stopped) {
                    stopped.add(String.format(Locale.ROOT, "%s (pid %d, %.1f s)", c.name(), pid,
                            (System.nanoTime() - t0) / 1e9));
                }
            }));
        }
        stops.forEach(CompletableFuture::join);
    }

    private static boolean isOurPostgres(ProcessHandle h, StackConfig current) {
        String pgData = current.dataDir().resolve("postgres").toString();
        try {
            String cmdline = Files.readString(Path.of("/proc", String.valueOf(h.pid()), "cmdline")).replace('\0', ' ');
            return cmdline.contains("postgres") && cmdline.contains(pgData);
        } catch (IOException e) {
            return false;
        }
    }

    // -------------------------------------------------------------------------------------------------- status

    /** 0 when every process runs and is ready, 3 when only some are, 1 when nothing runs. */
    int status() {
        StackConfig recorded = StackConfig.recorded(config.repo(), config.home());
        if (recorded == null) {
            out.println("Parley is not running (no stack recorded in " + config.home() + ").");
            return 1;
        }
        Launcher current = new Launcher(recorded, env, out);
        out.printf(Locale.ROOT, "%-9s %-8s %-36s %s%n", "PROCESS", "PID", "PORTS", "STATE");
        int running = 0;
        int ready = 0;
        for (Component c : Component.ALL) {
            Optional<ProcessHandle> handle = Processes.recorded(recorded, c);
            String ports = c == Component.INFRA
                    ? "kafka " + recorded.kafkaPort() + ", pg " + recorded.pgPort() + ", issuer "
                    + recorded.issuerPort()
                    : "http " + recorded.httpPort(c) + ", mgmt " + recorded.mgmtPort(c);
            String state;
            if (handle.isEmpty()) {
                state = "stopped";
            } else {
                running++;
                int code = current.ready(c);
                if (code == 200) {
                    ready++;
                    state = "ready";
                } else {
                    state = code == 0 ? "starting (not answering)" : "not ready (" + code + ")";
                }
            }
            out.printf(Locale.ROOT, "%-9s %-8s %-36s %s%n", c.name(),
                    handle.map(h -> String.valueOf(h.pid())).orElse("-"), ports, state);
        }
        long pg = Infra.recordedPostgresPid(recorded);
        if (pg > 0 && ProcessHandle.of(pg).map(ProcessHandle::isAlive).orElse(false)) {
            out.printf(Locale.ROOT, "%-9s %-8s %-36s %s%n", "postgres", pg, "(started by infra)", "running");
        }
        if (running == 0) {
            out.println("Parley is not running.");
            return 1;
        }
        if (ready == Component.ALL.size()) {
            out.println("Gateway: " + recorded.gatewayUrl());
            return 0;
        }
        return 3;
    }

    // ------------------------------------------------------------------------------------------------- helpers

    /** The infra JVM runs in another working directory: every class path entry made absolute. */
    private static String absoluteClassPath() {
        return java.util.Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .map(entry -> Path.of(entry).toAbsolutePath().toString())
                .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private String rel(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        return abs.startsWith(config.repo()) ? config.repo().relativize(abs).toString() : abs.toString();
    }

    private static void joinAll(List<CompletableFuture<Void>> futures) {
        StartFailure first = null;
        for (CompletableFuture<Void> f : futures) {
            try {
                f.join();
            } catch (java.util.concurrent.CompletionException e) {
                if (first == null && e.getCause() instanceof StartFailure failure) {
                    first = failure;
                } else if (first == null) {
                    throw e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static int parseInt(String value, int fallback) {
        try {
            return value == null || value.isBlank() ? fallback : Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    static final class StartFailure extends RuntimeException {
        final transient Path log;

        StartFailure(String message, Path log) {
            super(message);
            this.log = log;
        }
    }
}
