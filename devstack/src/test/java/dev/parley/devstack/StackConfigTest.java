package dev.parley.devstack;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StackConfigTest {

    @TempDir
    Path repo;

    @Test
    void defaultsAvoidAUsersOwnKafkaAndPostgres() {
        StackConfig c = StackConfig.resolve(List.of(), Map.of(), repo);
        assertThat(c.httpPort(Component.GATEWAY)).isEqualTo(8080);
        assertThat(c.mgmtPort(Component.GATEWAY)).isEqualTo(9080);
        assertThat(c.httpPort(Component.SESSIONS)).isEqualTo(8084);
        assertThat(c.mgmtPort(Component.PRESENCE)).isEqualTo(9081);
        assertThat(c.kafkaPort()).isEqualTo(19092).isNotEqualTo(9092);
        assertThat(c.pgPort()).isEqualTo(15432).isNotEqualTo(5432);
        assertThat(c.issuerUrl()).isEqualTo("http://127.0.0.1:18090/issuer");
        assertThat(c.home()).isEqualTo(repo.resolve(".parley"));
        assertThat(c.allPorts()).hasSize(14);
    }

    @Test
    void flagsWinOverEnvironmentWhichWinsOverDefaults() {
        StackConfig c = StackConfig.resolve(List.of("--gateway-port=18080", "--fresh"),
                Map.of("PARLEY_GATEWAY_PORT", "28080", "PARLEY_PG_PORT", "25432", "PARLEY_ROOMS_MGMT_PORT", "29083",
                        "PARLEY_HOME", "/tmp/elsewhere"), repo);
        assertThat(c.httpPort(Component.GATEWAY)).isEqualTo(18080);
        assertThat(c.pgPort()).isEqualTo(25432);
        assertThat(c.mgmtPort(Component.ROOMS)).isEqualTo(29083);
        assertThat(c.home()).isEqualTo(Path.of("/tmp/elsewhere"));
    }

    @Test
    void aPortThatIsNotANumberOrUsedTwiceIsAClearError() {
        assertThatThrownBy(() -> StackConfig.resolve(List.of(), Map.of("PARLEY_KAFKA_PORT", "kafka"), repo))
                .isInstanceOf(StackConfig.UsageException.class)
                .hasMessage("PARLEY_KAFKA_PORT=kafka is not a port (1-65535)");
        assertThatThrownBy(() -> StackConfig.resolve(List.of("--rooms-port=8080"), Map.of(), repo))
                .isInstanceOf(StackConfig.UsageException.class)
                .hasMessageContaining("rooms-port and gateway-port are both 8080");
    }

    @Test
    void upRecordsItsPortsForStatusDownAndDemo() {
        StackConfig c = StackConfig.resolve(List.of("--home=" + repo.resolve("h"), "--channel-port=18082"), Map.of(),
                repo);
        c.record();
        StackConfig back = StackConfig.recorded(repo, repo.resolve("h"));
        assertThat(back).isNotNull();
        assertThat(back.httpPort(Component.CHANNEL)).isEqualTo(18082);
        assertThat(back.allPorts()).isEqualTo(c.allPorts());
    }

    @Test
    void everyServiceGetsItsPortsIssuerKafkaAndOwnDatabaseAndTheGatewayFindsTheServices() {
        StackConfig c = StackConfig.resolve(List.of(), Map.of(), repo);
        Launcher launcher = new Launcher(c, Map.of(), System.out);
        Map<String, String> rooms = launcher.serviceProperties(Component.ROOMS);
        assertThat(rooms).containsEntry("quarkus.http.port", "8083")
                .containsEntry("quarkus.management.port", "9083")
                .containsEntry("kafka.bootstrap.servers", "localhost:19092")
                .containsEntry("quarkus.oidc.auth-server-url", "http://127.0.0.1:18090/issuer")
                .containsEntry("quarkus.datasource.reactive.url", "postgresql://localhost:15432/parley_rooms")
                .containsEntry("quarkus.datasource.jdbc.url", "jdbc:postgresql://localhost:15432/parley_rooms")
                .containsEntry("quarkus.datasource.username", "postgres");
        Map<String, String> gateway = launcher.serviceProperties(Component.GATEWAY);
        assertThat(gateway).containsEntry("parley.gateway.services.sessions.url", "http://localhost:8084")
                .containsEntry("parley.gateway.dev-token-url", "http://127.0.0.1:18090/dev/token")
                .hasEntrySatisfying("parley.gateway.ticket-secret", secret -> assertThat(secret).hasSizeGreaterThan(32))
                .doesNotContainKey("quarkus.datasource.reactive.url");
    }
}
