package dev.parley.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.platform.kafka.ParleyKafka;
import dev.parley.testing.TopicTail;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.parley.rooms.Api.app;
import static dev.parley.rooms.Api.room;
import static dev.parley.rooms.Api.suffix;
import static dev.parley.rooms.Api.tenant;
import static dev.parley.rooms.Api.user;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;

/** {@code POST /api/agent-rooms/{id}/typing}: the WebSocket typing op's event, for SSE-only clients and agents. */
@QuarkusTest
class TypingApiTest {

    @Inject
    ParleyKafka kafka;

    static Map<String, String> data(TopicTail.Event event) {
        JsonNode data = event.envelope().get("data");
        return Map.of("ref", data.get("ref").asText(), "name", data.get("name").asText());
    }

    @Test
    void aHumanMemberTypesWithoutABodyAndTheEventIsEphemeralOnTheRoomKey() {
        String t = tenant();
        String ada = user(t, "ada");
        String roomId = room(ada, "typing-" + suffix(), List.of("user:bob"));
        try (TopicTail tail = new TopicTail(kafka.topicNames().ephemeral(), t + "/room:" + roomId)) {
            given().auth().oauth2(ada).post("/api/agent-rooms/" + roomId + "/typing").then().statusCode(204);
            await().atMost(Duration.ofSeconds(20)).until(() -> !tail.events().isEmpty());
            TopicTail.Event typing = tail.events().get(0);
            assertThat(typing.type()).isEqualTo("typing");
            assertThat(typing.origin()).isEqualTo("user:ada");
            assertThat(typing.envelope().get("stream").asText()).isEqualTo("room:" + roomId);
            assertThat(typing.envelope().has("seq")).isFalse();
            assertThat(data(typing)).isEqualTo(Map.of("ref", "user:ada", "name", "Ada"));
        }
        // not durable: the room's stream holds only the member events
        given().auth().oauth2(ada).get("/internal/streams/room:" + roomId + "/events?after=2").then()
                .statusCode(200).body("items", empty());
    }

    @Test
    void anAppTypesAsAMemberAgentOnly() {
        String t = tenant();
        String ada = user(t, "ada");
        String roomId = room(ada, "agents-" + suffix(), List.of("marketing:cmo"));
        String marketing = app(t, "marketing");
        try (TopicTail tail = new TopicTail(kafka.topicNames().ephemeral(), t + "/room:" + roomId)) {
            given().auth().oauth2(marketing).contentType(ContentType.JSON).body(Map.of("as", "cmo"))
                    .post("/api/agent-rooms/" + roomId + "/typing").then().statusCode(204);
            await().atMost(Duration.ofSeconds(20)).until(() -> !tail.events().isEmpty());
            TopicTail.Event typing = tail.events().get(0);
            assertThat(typing.origin()).isEqualTo("marketing:cmo");
            assertThat(data(typing).get("ref")).isEqualTo("marketing:cmo");
            assertThat(data(typing).get("name")).isEqualTo("cmo"); // no display name set: the slug
        }
        // another agent of the same app, not a member: 403; the room is visible to the app
        given().auth().oauth2(marketing).contentType(ContentType.JSON).body(Map.of("as", "researcher"))
                .post("/api/agent-rooms/" + roomId + "/typing").then().statusCode(403)
                .contentType("application/problem+json").body("code", equalTo("room.agent_not_member"));
        // without 'as', or not a slug: 400
        given().auth().oauth2(marketing).contentType(ContentType.JSON).body(Map.of())
                .post("/api/agent-rooms/" + roomId + "/typing").then().statusCode(400)
                .body("code", equalTo("request.invalid"));
        given().auth().oauth2(marketing).post("/api/agent-rooms/" + roomId + "/typing").then().statusCode(400)
                .body("code", equalTo("request.invalid"));
        given().auth().oauth2(marketing).contentType(ContentType.JSON).body(Map.of("as", "Not A Slug"))
                .post("/api/agent-rooms/" + roomId + "/typing").then().statusCode(400)
                .body("code", equalTo("request.invalid"));
        // an app none of whose agents is in the room does not see it
        given().auth().oauth2(app(t, "finance")).contentType(ContentType.JSON).body(Map.of("as", "cfo"))
                .post("/api/agent-rooms/" + roomId + "/typing").then().statusCode(404)
                .body("code", equalTo("request.not_found"));
    }

    @Test
    void nonMembersAndOtherTenantsGet404() {
        String t = tenant();
        String ada = user(t, "ada");
        String roomId = room(ada, "closed-" + suffix(), List.of());
        given().auth().oauth2(user(t, "carol")).post("/api/agent-rooms/" + roomId + "/typing").then()
                .statusCode(404).contentType("application/problem+json").body("code", equalTo("request.not_found"));
        given().auth().oauth2(user(tenant(), "ada")).post("/api/agent-rooms/" + roomId + "/typing").then()
                .statusCode(404);
        given().auth().oauth2(ada).post("/api/agent-rooms/not-a-room/typing").then().statusCode(404);
        given().post("/api/agent-rooms/" + roomId + "/typing").then().statusCode(401);
        // a person types as themselves
        given().auth().oauth2(ada).contentType(ContentType.JSON).body(Map.of("as", "cmo"))
                .post("/api/agent-rooms/" + roomId + "/typing").then().statusCode(400)
                .body("code", equalTo("request.invalid"));
        given().auth().oauth2(ada).contentType(ContentType.JSON).body("{\"as\":")
                .post("/api/agent-rooms/" + roomId + "/typing").then().statusCode(400);
    }
}
