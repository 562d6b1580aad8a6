package dev.parley.gateway;

import dev.parley.events.StreamKey;
import dev.parley.events.StreamName;
import dev.parley.gateway.support.StubOwner;
import dev.parley.gateway.support.TcpProxy;
import dev.parley.testing.EmbeddedKafka;
import dev.parley.testing.SseTestClient;
import dev.parley.testing.TokenIssuer;
import dev.parley.testing.WsTestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Two gateway instances (the packaged jar, started as separate processes) on one Kafka: both deliver every event in
 * order; a subscriber whose instance is killed mid-stream resumes on the other with its last seq and misses nothing.
 * Also: a ticket minted on one instance opens a stream on the other, and a standard EventSource (npm eventsource)
 * reconnects with Last-Event-ID after a network cut.
 */
class TwoGatewaysIT {

    static final String TENANT = "acme";
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static StubOwner stub;
    static TokenIssuer issuer;
    static Gateway a;
    static Gateway b;

    record Gateway(Process process, int port, int management) {
        String http() {
            return "http://127.0.0.1:" + port;
        }

        URI ws() {
            return URI.create("ws://127.0.0.1:" + port + "/api/ws");
        }
    }

    @BeforeAll
    static void start() throws Exception {
        EmbeddedKafka kafka = kafka();
        issuer = TokenIssuer.shared();
        stub = StubOwner.shared(kafka.bootstrapServers());
        a = launch("gw-a", kafka);
        b = launch("gw-b", kafka);
        for (Gateway g : List.of(a, b)) {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() -> ready(g));
        }
    }

    static EmbeddedKafka embedded;

    /** A broker of our own; start-up is retried on a fresh directory (KRaft formatting is flaky under load). */
    static EmbeddedKafka kafka() throws IOException {
        IllegalStateException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            EmbeddedKafka candidate = new EmbeddedKafka(Files.createTempDirectory("gateway-it-kafka"), freePort(),
                    freePort());
            try {
                candidate.start();
                embedded = candidate;
                return candidate;
            } catch (IllegalStateException e) {
                last = e;
            }
        }
        throw last;
    }

    @AfterAll
    static void stop() {
        for (Gateway g : new Gateway[]{a, b}) {
            if (g != null && g.process().isAlive()) {
                g.process().destroy();
                try {
                    g.process().waitFor(15, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                g.process().destroyForcibly();
            }
        }
        if (embedded != null) {
            embedded.stop();
        }
    }

    static Gateway launch(String id, EmbeddedKafka kafka) throws IOException {
        int port = freePort();
        int management = freePort();
        String java = ProcessHandle.current().info().command().orElse("java");
        File jar = new File("target/quarkus-app/quarkus-run.jar");
        assertThat(jar).exists();
        String stubUrl = "http://127.0.0.1:" + stub.port();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m",
                "-Dquarkus.http.port=" + port, "-Dquarkus.management.port=" + management,
                "-Dkafka.bootstrap.servers=" + kafka.bootstrapServers(),
                "-Dquarkus.oidc.auth-server-url=" + issuer.issuer(),
                "-Dparley.gateway.instance-id=" + id,
                "-Dparley.gateway.ticket-secret=it-shared-secret-of-at-least-32-bytes",
                "-Dparley.gateway.services.presence.url=" + stubUrl,
                "-Dparley.gateway.services.channel.url=" + stubUrl,
                "-Dparley.gateway.services.rooms.url=" + stubUrl,
                "-Dparley.gateway.services.sessions.url=http://127.0.0.1:" + stub.sessionsPort(),
                "-Dquarkus.log.console.json=false",
                "-jar", jar.getAbsolutePath()));
        Path log = Files.createTempFile("gateway-" + id, ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new Gateway(process, port, management);
    }

    static boolean ready(Gateway g) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + g.management()
                    + "/q/health/ready")).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200;
        } catch (Exception e) {
            return false;
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static List<Long> seqs(WsTestClient ws, String stream) {
        return ws.frames(f -> stream.equals(f.path("stream").asText()) && f.hasNonNull("seq") && !f.has("op"))
                .stream().map(f -> f.get("seq").asLong()).toList();
    }

    static List<Long> range(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }

    @Test
    void subscribersOnBothInstancesGetEverythingAndAKilledOneResumesOnTheOther() throws Exception {
        StreamName room = StreamName.room(UUID.randomUUID());
        stub.members(TENANT, room, "user:ada", "user:bob");
        StreamKey key = StreamKey.of(TENANT, room);
        String ada = issuer.user(TENANT, "ada");
        String bob = issuer.user(TENANT, "bob");
        WsTestClient onA = WsTestClient.connect(a.ws(), Map.of("Authorization", "Bearer " + ada), "parley.v1");
        try (WsTestClient onB = WsTestClient.connect(b.ws(), Map.of("Authorization", "Bearer " + bob), "parley.v1")) {
            onA.sendJson(Map.of("op", "subscribe", "stream", room.wire()));
            onB.sendJson(Map.of("op", "subscribe", "stream", room.wire()));
            await().until(() -> onA.frames().stream().anyMatch(f -> "subscribed".equals(f.path("op").asText()))
                    && onB.frames().stream().anyMatch(f -> "subscribed".equals(f.path("op").asText())));
            for (int i = 1; i <= 40; i++) {
                stub.append(key, "message.created", Map.of("n", i));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> seqs(onA, room.wire()).size() >= 40
                    && seqs(onB, room.wire()).size() >= 40);
            assertThat(seqs(onA, room.wire())).isEqualTo(range(1, 40));
            assertThat(seqs(onB, room.wire())).isEqualTo(range(1, 40));

            // kill A while events keep coming
            Thread writer = Thread.ofPlatform().start(() -> {
                for (int i = 41; i <= 120; i++) {
                    stub.append(key, "message.created", Map.of("n", i));
                }
            });
            await().until(() -> seqs(onA, room.wire()).size() >= 50);
            a.process().destroyForcibly();
            a.process().waitFor(10, TimeUnit.SECONDS);
            await().until(onA::isClosed);
            List<Long> beforeCrash = seqs(onA, room.wire());
            long last = beforeCrash.getLast();
            try (WsTestClient resumed = WsTestClient.connect(b.ws(), Map.of("Authorization", "Bearer " + ada),
                    "parley.v1")) {
                resumed.sendJson(Map.of("op", "subscribe", "stream", room.wire(), "after", last));
                writer.join();
                await().atMost(Duration.ofSeconds(30)).until(() -> !seqs(resumed, room.wire()).isEmpty()
                        && seqs(resumed, room.wire()).getLast() == 120);
                List<Long> all = new ArrayList<>(beforeCrash);
                all.addAll(seqs(resumed, room.wire()));
                assertThat(all).isEqualTo(range(1, 120));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> seqs(onB, room.wire()).size() >= 120);
            assertThat(seqs(onB, room.wire())).isEqualTo(range(1, 120));
        } finally {
            onA.close();
        }
    }

    @Test
    void aTicketFromOneInstanceOpensAStreamOnTheOther() throws Exception {
        String token = issuer.user(TENANT, "ada");
        Gateway minter = a.process().isAlive() ? a : b;
        HttpResponse<String> issued = HTTP.send(HttpRequest.newBuilder(URI.create(minter.http()
                        + "/api/stream-tickets")).header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(issued.statusCode()).isEqualTo(201);
        String ticket = issued.body().replaceAll(".*\"ticket\":\"([^\"]+)\".*", "$1");
        try (SseTestClient sse = SseTestClient.open(URI.create(b.http() + "/api/channel/stream?ticket=" + ticket),
                Map.of())) {
            assertThat(sse.status()).isEqualTo(200);
        }
    }

    @Test
    void aStandardEventSourceReconnectsWithLastEventId() throws Exception {
        Path dir = Files.createTempDirectory("parley-eventsource");
        Process install = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund", "--silent",
                "eventsource@3").directory(dir.toFile()).redirectErrorStream(true).start();
        boolean installed = install.waitFor(180, TimeUnit.SECONDS) && install.exitValue() == 0;
        assumeTrue(installed, "npm could not install eventsource: " + new String(install.getInputStream()
                .readAllBytes(), StandardCharsets.UTF_8));
        Files.writeString(dir.resolve("client.mjs"), """
                import { EventSource } from 'eventsource';
                const [url, token, want] = process.argv.slice(2);
                const es = new EventSource(url, { fetch: (input, init) => fetch(input, { ...init,
                    headers: { ...init.headers, Authorization: 'Bearer ' + token } }) });
                const seen = [];
                es.onopen = () => console.log('OPEN');
                es.onerror = (e) => console.log('ERROR ' + (e.code || e.message || ''));
                es.addEventListener('message.created', (e) => {
                  seen.push(Number(e.lastEventId));
                  console.log('EVENT ' + e.lastEventId);
                  if (seen.length >= Number(want)) { console.log('DONE ' + JSON.stringify(seen)); es.close(); process.exit(0); }
                });
                setTimeout(() => { console.log('TIMEOUT ' + JSON.stringify(seen)); process.exit(2); }, 60000);
                """);
        StreamName room = StreamName.room(UUID.randomUUID());
        stub.members(TENANT, room, "user:eve");
        StreamKey key = StreamKey.of(TENANT, room);
        try (TcpProxy proxy = new TcpProxy(b.port())) {
            Path out = dir.resolve("out.log");
            Process node = new ProcessBuilder("node", "client.mjs", "http://127.0.0.1:" + proxy.port()
                    + "/api/agent-rooms/" + room.id() + "/stream", issuer.user(TENANT, "eve"), "10")
                    .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            try {
                await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(out).contains("OPEN"));
                for (int i = 1; i <= 5; i++) {
                    stub.append(key, "message.created", Map.of("n", i));
                }
                await().atMost(Duration.ofSeconds(20)).until(() -> Files.readString(out).contains("EVENT 5"));
                proxy.cut();
                for (int i = 6; i <= 10; i++) {
                    stub.append(key, "message.created", Map.of("n", i));
                }
                assertThat(node.waitFor(60, TimeUnit.SECONDS)).isTrue();
                String log = Files.readString(out);
                assertThat(log).contains("DONE [1,2,3,4,5,6,7,8,9,10]");
                assertThat(log.lines().filter(l -> l.equals("OPEN")).count()).isGreaterThanOrEqualTo(2);
            } finally {
                node.destroyForcibly();
            }
        }
    }
}
