package dev.parley.gateway.support;

import dev.parley.testing.EmbeddedKafka;
import dev.parley.testing.TokenIssuer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.HashMap;
import java.util.Map;

/** Starts the {@link StubOwner} and points the gateway's service URLs (and /dev/token) at it. */
public class StubOwnerResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        StubOwner stub = StubOwner.shared(EmbeddedKafka.shared().bootstrapServers());
        Map<String, String> config = new HashMap<>();
        String main = "http://127.0.0.1:" + stub.port();
        config.put("parley.gateway.services.presence.url", main);
        config.put("parley.gateway.services.channel.url", main);
        config.put("parley.gateway.services.rooms.url", main);
        config.put("parley.gateway.services.sessions.url", "http://127.0.0.1:" + stub.sessionsPort());
        config.put("parley.gateway.dev-token-url", "http://127.0.0.1:" + TokenIssuer.shared().port() + "/dev/token");
        return config;
    }

    @Override
    public void stop() {
        // shared for the JVM
    }
}
