package dev.parley.sessions;

import dev.parley.testing.EmbeddedKafka;
import dev.parley.testing.EmbeddedPg;
import dev.parley.testing.Ports;
import dev.parley.testing.TokenIssuer;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two packaged instances of the service on one database: 20 people racing for the turn, their requests spread over
 * both instances, get exactly one grant per round — the database decides, not an instance's memory.
 */
class TwoInstancesTurnLockIT {

    private static final List<Process> STARTED = new ArrayList<>();
    private static final int[] PORTS = new int[2];
    private static TokenIssuer issuer;

    @BeforeAll
    static void startTwoInstances() {
        EmbeddedPg pg = EmbeddedPg.shared();
        String db = pg.createDatabase("sessions_it");
        EmbeddedKafka kafka = EmbeddedKafka.shared();
        issuer = TokenIssuer.shared();
        String java = ProcessHandle.current().info().command().orElse("java");
        Path jar = Path.of("target", "quarkus-app", "quarkus-run.jar");
        for (int i = 0; i < 2; i++) {
            PORTS[i] = Ports.free();
            int management = Ports.free();
            List<String> command = List.of(java,
                    "-Dquarkus.http.port=" + PORTS[i], "-Dquarkus.management.port=" + management,
                    "-Dkafka.bootstrap.servers=" + kafka.bootstrapServers(),
                    "-Dquarkus.oidc.auth-server-url=" + issuer.issuer(),
                    "-Dquarkus.oidc.token.audience=" + TokenIssuer.AUDIENCE,
                    "-Dquarkus.datasource.reactive.url=" + pg.reactiveUrl(db),
                    "-Dquarkus.datasource.jdbc.url=" + pg.jdbcUrl(db),
                    "-Dquarkus.datasource.username=" + EmbeddedPg.USER,
                    "-Dquarkus.datasource.password=" + EmbeddedPg.PASSWORD,
                    "-Dparley.sessions.mentions-enabled=false", "-Dparley.sessions.presence-enabled=false",
                    "-jar", jar.toString());
            try {
                Process p = new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(new File("target/it-instance-" + i + ".log")).start();
                STARTED.add(p);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            // one after the other: the first runs the migrations
            String ready = "http://localhost:" + management + "/q/health/ready";
            await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                    .until(() -> given().get(ready).statusCode() == 200);
        }
    }

    @AfterAll
    static void stop() {
        for (Process p : STARTED) {
            p.destroy();
        }
    }

    private record Who(String ref, String token) {
    }

    private static Response call(int instance, String token, String method, String path, Object body) {
        var req = given().baseUri("http://localhost:" + PORTS[instance]).auth().oauth2(token).contentType(ContentType.JSON);
        if (body != null) {
            req = req.body(body);
        }
        return req.request(method, path);
    }

    @Test
    void twentyAcquirersAcrossTwoInstancesGetOneGrantPerRound() throws Exception {
        List<Who> people = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String sub = "racer-" + i + "-" + UUID.randomUUID().toString().substring(0, 6);
            people.add(new Who("user:" + sub, issuer.user("acme", sub, "Racer " + i)));
        }
        Who owner = people.get(0);
        String id = call(0, owner.token(), "POST", "/api/sessions", Map.of("title", "race")).then().statusCode(201)
                .extract().path("id");
        for (Who p : people.subList(1, 20)) {
            call(1, owner.token(), "POST", "/api/sessions/" + id + "/members", Map.of("ref", p.ref()))
                    .then().statusCode(201);
        }
        ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            long lastToken = 0;
            for (int round = 0; round < 3; round++) {
                List<Callable<Response>> calls = new ArrayList<>();
                for (int i = 0; i < people.size(); i++) {
                    Who p = people.get(i);
                    int instance = i % 2;
                    String turnId = "round-" + round + "-" + i;
                    calls.add(() -> call(instance, p.token(), "POST", "/api/sessions/" + id + "/turn",
                            Map.of("turnId", turnId)));
                }
                List<Response> answers = new ArrayList<>();
                for (Future<Response> f : pool.invokeAll(calls)) {
                    answers.add(f.get());
                }
                List<Response> granted = answers.stream().filter(a -> a.statusCode() == 201).toList();
                assertThat(granted).hasSize(1);
                assertThat(answers.stream().filter(a -> a.statusCode() != 201).map(a -> a.statusCode()).distinct())
                        .containsExactly(409);
                String holder = granted.get(0).path("holder.ref");
                long token = ((Number) granted.get(0).path("fencingToken")).longValue();
                assertThat(token).isGreaterThan(lastToken);
                lastToken = token;
                Who winner = people.stream().filter(p -> p.ref().equals(holder)).findFirst().orElseThrow();
                // the winner releases through the other instance than the one that granted it may have been
                call(round % 2, winner.token(), "DELETE", "/api/sessions/" + id + "/turn", null).then().statusCode(204);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
