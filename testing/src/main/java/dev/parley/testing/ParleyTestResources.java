package dev.parley.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.HashMap;
import java.util.Map;

/**
 * The real parts a Parley service needs in a {@code @QuarkusTest}: Kafka, PostgreSQL (one database per service,
 * named by the {@code database} init arg; none when it is absent) and the token issuer. Each is started once per
 * test JVM and shared by every test class and profile.
 * <pre>
 * {@literal @}QuarkusTestResource(value = ParleyTestResources.class, initArgs = @ResourceArg(name = "database", value = "rooms"))
 * </pre>
 */
public class ParleyTestResources implements QuarkusTestResourceLifecycleManager {

    private String database;

    @Override
    public void init(Map<String, String> initArgs) {
        database = initArgs.get("database");
    }

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>();
        config.put("kafka.bootstrap.servers", EmbeddedKafka.shared().bootstrapServers());
        TokenIssuer issuer = TokenIssuer.shared();
        config.put("quarkus.oidc.auth-server-url", issuer.issuer());
        config.put("quarkus.oidc.token.audience", TokenIssuer.AUDIENCE);
        if (database != null) {
            EmbeddedPg pg = EmbeddedPg.shared();
            pg.createDatabase(database);
            config.put("quarkus.datasource.reactive.url", pg.reactiveUrl(database));
            config.put("quarkus.datasource.jdbc.url", pg.jdbcUrl(database));
            config.put("quarkus.datasource.username", EmbeddedPg.USER);
            config.put("quarkus.datasource.password", EmbeddedPg.PASSWORD);
        }
        return config;
    }

    @Override
    public void stop() {
        // Shared for the whole JVM; shutdown hooks stop them.
    }

    public static TokenIssuer issuer() {
        return TokenIssuer.shared();
    }

    public static EmbeddedKafka kafka() {
        return EmbeddedKafka.shared();
    }

    public static EmbeddedPg postgres() {
        return EmbeddedPg.shared();
    }
}
