package dev.parley.sessions;

import dev.parley.sessions.Api.Person;
import dev.parley.testing.TopicTail;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static dev.parley.sessions.Api.person;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code POST /api/sessions/{id}/typing}: an ephemeral {@code typing} on the session stream, members only. */
@QuarkusTest
class TypingTest {

    @Test
    void typingOverRestIsAnEphemeralEventOnTheSessionStreamWithTheTypistAsOrigin() {
        Person ada = person("acme", "Ada");
        Person bob = person("acme", "Bob");
        String id = Api.createSession(ada, "typing");
        Api.share(ada, id, bob);
        int before = Api.events(ada, "session:" + id).size();
        try (TopicTail tail = new TopicTail("parley.ephemeral.v1", "acme/session:" + id)) {
            bob.req().post("/api/sessions/" + id + "/typing").then().statusCode(204);
            await().atMost(Duration.ofSeconds(20)).until(() -> !tail.events().isEmpty());
            TopicTail.Event typing = tail.events().get(0);
            assertThat(typing.type()).isEqualTo("typing");
            assertThat(typing.origin()).isEqualTo(bob.ref());
            assertThat(typing.envelope().get("stream").asText()).isEqualTo("session:" + id);
            assertThat(typing.envelope().has("seq")).isFalse();
            Map<String, String> data = new HashMap<>();
            typing.envelope().get("data").fields().forEachRemaining(e -> data.put(e.getKey(), e.getValue().asText()));
            assertThat(data).isEqualTo(Map.of("ref", bob.ref(), "name", "Bob"));
        }
        // not durable: nothing new in the session's log
        assertThat(Api.events(ada, "session:" + id)).hasSize(before);
        // not a member, another tenant: 404
        person("acme", "Eve").req().post("/api/sessions/" + id + "/typing").then().statusCode(404);
        person("globex", "Ada").req().post("/api/sessions/" + id + "/typing").then().statusCode(404);
    }
}
