package dev.parley.devstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Starts the stack the way the README does — {@code ./parley up} as a process, here on free ports and its own
 * {@code PARLEY_HOME} so it clashes with nothing — runs the README's walkthrough with java.net.http, then
 * {@code ./parley down} and checks that no recorded process and no port is left behind.
 *
 * <p>Needs the services' fast-jars and {@code devstack/target/devstack.jar}: in the reactor they are packaged before
 * this module's {@code integration-test} phase; {@code PARLEY_NO_BUILD=1} makes the launcher fail instead of building.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DevstackIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration UP_TIMEOUT = Duration.ofMinutes(5);

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private Path repo;
    private Path home;
    private final Map<String, String> env = new LinkedHashMap<>();
    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private Run up;
    private boolean down;

    @BeforeAll
    void up() throws Exception {
        repo = Path.of(System.getProperty("parley.repo", Path.of("").toAbsolutePath().getParent().toString()))
                .toAbsolutePath().normalize();
        assertThat(repo.resolve("parley")).as("the launcher script at the repository root").isExecutable();
        home = repo.resolve("devstack/target/it-parley");
        Launcher.deleteTree(home);

        List<ServerSocket> held = new ArrayList<>();
        try {
            for (String name : List.of("GATEWAY", "PRESENCE", "CHANNEL", "ROOMS", "SESSIONS")) {
                env.put("PARLEY_" + name + "_PORT", freePort(held));
                env.put("PARLEY_" + name + "_MGMT_PORT", freePort(held));
            }
            env.put("PARLEY_KAFKA_PORT", freePort(held));
            env.put("PARLEY_KAFKA_CONTROLLER_PORT", freePort(held));
            env.put("PARLEY_PG_PORT", freePort(held));
            env.put("PARLEY_ISSUER_PORT", freePort(held));
        } finally {
            for (ServerSocket s : held) {
                s.close();
            }
        }
        env.forEach((k, v) -> ports.put(k, Integer.parseInt(v)));
        env.put("PARLEY_HOME", home.toString());
        env.put("PARLEY_NO_BUILD", "1");
        env.put("JAVA_HOME", System.getProperty("java.home"));

        up = parley(UP_TIMEOUT, "up", "--fresh");
        assertThat(up.exitCode).as("./parley up exit code; output:%n%s", up.output).isZero();
    }

    @AfterAll
    void safetyNet() throws Exception {
        if (!down && up != null) {
            parley(Duration.ofMinutes(2), "down");
        }
    }

    @Test
    @Order(1)
    void upReturnsOnceEverythingIsReadyWithABannerAndRecordedPids() throws Exception {
        assertThat(up.output).contains("Parley is up", "http://localhost:" + port("GATEWAY"), "./parley down");
        for (Component c : Component.ALL) {
            long pid = Processes.readPid(home.resolve("run").resolve(c.name() + ".pid"));
            assertThat(ProcessHandle.of(pid)).as(c.name() + " process").hasValueSatisfying(
                    h -> assertThat(h.isAlive()).isTrue());
            assertThat(home.resolve("logs").resolve(c.name() + ".log")).isRegularFile();
        }
        for (String service : List.of("GATEWAY", "PRESENCE", "CHANNEL", "ROOMS", "SESSIONS")) {
            HttpResponse<String> ready = get("http://localhost:" + port(service + "_MGMT") + "/q/health/ready", null);
            assertThat(ready.statusCode()).as(service + " readiness").isEqualTo(200);
        }
    }

    @Test
    @Order(2)
    void statusShowsEveryProcessReady() throws Exception {
        Run status = parley(Duration.ofMinutes(1), "status");
        assertThat(status.exitCode).as(status.output).isZero();
        for (Component c : Component.ALL) {
            assertThat(status.output).containsPattern("(?m)^" + c.name() + "\\s+\\d+\\s+.*ready$");
        }
    }

    @Test
    @Order(3)
    void theIssuerServesDiscoveryAndDevTokens() throws Exception {
        String issuer = "http://127.0.0.1:" + port("ISSUER");
        HttpResponse<String> discovery = get(issuer + "/issuer/.well-known/openid-configuration", null);
        assertThat(discovery.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(discovery.body()).path("issuer").asText()).isEqualTo(issuer + "/issuer");

        HttpResponse<String> token = postForm(issuer + "/dev/token", "{\"tenant\":\"acme\",\"user\":\"ada\",\"name\":\"Ada\"}");
        assertThat(token.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(token.body());
        assertThat(body.path("token_type").asText()).isEqualTo("Bearer");
        assertThat(body.path("access_token").asText().split("\\.")).hasSize(3);

        HttpResponse<String> bad = postForm(issuer + "/dev/token", "{\"tenant\":\"acme\"}");
        assertThat(bad.statusCode()).isEqualTo(400);
    }

    @Test
    @Order(4)
    void upAgainWhileRunningChangesNothingAndTakenPortsFailClearly() throws Exception {
        Run again = parley(Duration.ofMinutes(1), "up");
        assertThat(again.exitCode).as(again.output).isZero();
        assertThat(again.output).contains("already running");

        // Another stack (its own home) on the same ports: refused with a message that names the port and its knob.
        Map<String, String> otherHome = new HashMap<>(env);
        otherHome.put("PARLEY_HOME", home.resolveSibling("it-parley-other").toString());
        Run clash = parley(otherHome, Duration.ofMinutes(1), "up");
        assertThat(clash.exitCode).as(clash.output).isEqualTo(2);
        assertThat(clash.output).contains("port " + port("GATEWAY") + " (gateway HTTP (PARLEY_GATEWAY_PORT)) is "
                + "already in use");
    }

    /** The README's walkthrough, step by step, against the gateway. */
    @Test
    @Order(5)
    void readmeWalkthroughThroughTheGateway() throws Exception {
        String gateway = "http://localhost:" + port("GATEWAY");

        // 1. A token from the gateway's POST /dev/token, sent exactly as the README's curl sends it.
        HttpResponse<String> tokenResponse = postForm(gateway + "/dev/token",
                "{\"tenant\":\"acme\",\"user\":\"ada\",\"name\":\"Ada\"}");
        assertThat(tokenResponse.statusCode()).as("POST /dev/token through the gateway: %s", tokenResponse.body())
                .isEqualTo(200);
        String token = JSON.readTree(tokenResponse.body()).path("access_token").asText();
        assertThat(token).isNotBlank();

        // 2. Presence lists the roster.
        HttpResponse<String> presence = get(gateway + "/api/presence", token);
        assertThat(presence.statusCode()).as("GET /api/presence: %s", presence.body()).isEqualTo(200);
        assertThat(JSON.readTree(presence.body()).path("items").isArray()).isTrue();

        // 3. An SSE stream on the channel, open before the post.
        List<String> lines = new CopyOnWriteArrayList<>();
        CompletableFuture<HttpResponse<Stream<String>>> stream = http.sendAsync(
                HttpRequest.newBuilder(URI.create(gateway + "/api/channel/stream"))
                        .header("Authorization", "Bearer " + token)
                        .header("Accept", "text/event-stream").GET().build(),
                HttpResponse.BodyHandlers.ofLines());
        HttpResponse<Stream<String>> sse = stream.get(30, TimeUnit.SECONDS);
        try {
            assertThat(sse.statusCode()).as("GET /api/channel/stream").isEqualTo(200);
            assertThat(sse.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("text/event-stream"));
            Thread reader = Thread.ofVirtual().start(() -> sse.body().forEach(lines::add));

            // 4. A post to the channel arrives on the open stream, live.
            String text = "Hello from the walkthrough " + UUID.randomUUID();
            HttpResponse<String> post = postJson(gateway + "/api/channel/messages", token,
                    "{\"body\":\"" + text + "\"}");
            assertThat(post.statusCode()).as("POST /api/channel/messages: %s", post.body()).isEqualTo(201);
            assertThat(JSON.readTree(post.body()).path("body").asText()).isEqualTo(text);
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                assertThat(lines).anySatisfy(line -> assertThat(line).isEqualTo("event: message.created"));
                assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("data: ").contains(text));
            });
            reader.interrupt();
        } finally {
            sse.body().close();
        }

        // 5. A room with an agent.
        String room = "walkthrough-" + Long.toHexString(System.nanoTime());
        HttpResponse<String> created = postJson(gateway + "/api/agent-rooms", token,
                "{\"name\":\"" + room + "\",\"members\":[\"marketing:cmo\"]}");
        assertThat(created.statusCode()).as("POST /api/agent-rooms: %s", created.body()).isEqualTo(201);
        assertThat(JSON.readTree(created.body()).path("name").asText()).isEqualTo(room);
    }

    @Test
    @Order(6)
    void demoSeedsWithoutFailing() throws Exception {
        Run demo = parley(Duration.ofMinutes(2), "demo");
        assertThat(demo.exitCode).as(demo.output).isZero();
        assertThat(demo.output).contains("Seeding tenant 'acme'").containsPattern("Demo: \\d+ step\\(s\\) done");
    }

    @Test
    @Order(100)
    void downStopsEveryRecordedProcessAndFreesEveryPort() throws Exception {
        List<ProcessHandle> ours = new ArrayList<>();
        for (Component c : Component.ALL) {
            long pid = Processes.readPid(home.resolve("run").resolve(c.name() + ".pid"));
            ProcessHandle.of(pid).ifPresent(h -> {
                ours.add(h);
                ours.addAll(h.descendants().toList());
            });
        }
        // pg_ctl daemonizes PostgreSQL, so it is not a descendant of infra: infra records its pid.
        String ready = Files.readString(home.resolve("run/infra.ready"));
        long postgresPid = Long.parseLong(ready.replaceAll("(?s).*postgres.pid=(\\d+).*", "$1"));
        ProcessHandle postgres = ProcessHandle.of(postgresPid).orElseThrow();
        assertThat(postgres.isAlive()).isTrue();
        ours.add(postgres);
        assertThat(ours).as("recorded processes, their children and PostgreSQL")
                .hasSizeGreaterThan(Component.ALL.size());

        Run stop = parley(Duration.ofMinutes(3), "down");
        down = true;
        assertThat(stop.exitCode).as(stop.output).isZero();
        assertThat(stop.output).contains("All ports of the stack are free.");
        assertThat(ours).allSatisfy(h -> assertThat(h.isAlive()).as("pid " + h.pid() + " " + h.info().command())
                .isFalse());
        for (Map.Entry<String, Integer> port : ports.entrySet()) {
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port.getValue()));
            } catch (IOException e) {
                throw new AssertionError(port.getKey() + "=" + port.getValue() + " is still taken after down", e);
            }
        }
        Run status = parley(Duration.ofMinutes(1), "status");
        assertThat(status.exitCode).isEqualTo(1);
    }

    // ---------------------------------------------------------------------------------------------------------

    private int port(String name) {
        return ports.get("PARLEY_" + name + "_PORT");
    }

    private static String freePort(List<ServerSocket> held) throws IOException {
        ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        held.add(socket);
        return String.valueOf(socket.getLocalPort());
    }

    private HttpResponse<String> get(String url, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).GET();
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** What {@code curl -d '<json>'} sends: the JSON as a form-encoded body. */
    private HttpResponse<String> postForm(String url, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> postJson(String url, String token, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private Run parley(Duration timeout, String... args) throws Exception {
        return parley(env, timeout, args);
    }

    private Run parley(Map<String, String> environment, Duration timeout, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(repo.resolve("parley").toString());
        command.addAll(List.of(args));
        Files.createDirectories(home.getParent());
        Path log = home.resolveSibling("it-" + args[0] + "-" + System.nanoTime() + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(repo.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        Process p = builder.start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("./parley " + String.join(" ", args) + " did not finish within " + timeout
                    + ":\n" + Files.readString(log));
        }
        String output = Files.readString(log);
        System.out.println("$ ./parley " + String.join(" ", args) + "\n" + output);
        return new Run(p.exitValue(), output);
    }

    private record Run(int exitCode, String output) {
    }
}
