package dev.parley.rooms;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.parley.rooms.Api.app;
import static dev.parley.rooms.Api.as;
import static dev.parley.rooms.Api.events;
import static dev.parley.rooms.Api.postAs;
import static dev.parley.rooms.Api.room;
import static dev.parley.rooms.Api.suffix;
import static dev.parley.rooms.Api.tenant;
import static dev.parley.rooms.Api.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/** {@code name} on a member add: an agent's display name per tenant, in rosters and as {@code senderName}. */
@QuarkusTest
class AgentNamesTest {

    static String members(String roomId) {
        return "/api/agent-rooms/" + roomId + "/members";
    }

    @Test
    void anAgentsNameShowsInEveryRosterAndOnItsMessagesOfTheTenant() {
        String t = tenant();
        String ada = user(t, "ada");
        String first = room(ada, "one-" + suffix(), List.of());
        String second = room(ada, "two-" + suffix(), List.of("marketing:cmo"));
        // before a name: the slug, in the roster and on a message
        as(ada).get("/api/agent-rooms/" + second).then().statusCode(200)
                .body("members[1].name", equalTo("cmo"));
        postAs(app(t, "marketing"), second, "cmo", "hello").then().statusCode(201)
                .body("senderName", equalTo("cmo"));

        as(ada).body(Map.of("ref", "marketing:cmo", "name", "  Chief Marketing Officer ")).post(members(first))
                .then().statusCode(201).body("name", equalTo("Chief Marketing Officer"));
        // the name is the tenant's: the other room shows it too, and the list
        as(ada).get("/api/agent-rooms/" + second).then().statusCode(200)
                .body("members[1].name", equalTo("Chief Marketing Officer"));
        JsonPath list = as(ada).get("/api/agent-rooms").then().statusCode(200).extract().jsonPath();
        assertThat(list.getList("items.members.name").toString()).contains("Chief Marketing Officer");
        postAs(app(t, "marketing"), second, "cmo", "now with a name").then().statusCode(201)
                .body("senderName", equalTo("Chief Marketing Officer"));
        // the roster event carries it
        List<Map<String, Object>> log = events(ada, "room:" + first);
        assertThat(log).extracting(e -> Api.data(e).get("name")).contains("Chief Marketing Officer");

        // a new name on an existing member: 200, the member shows it, no second member.added
        as(ada).body(Map.of("ref", "marketing:cmo", "name", "CMO")).post(members(second)).then().statusCode(200)
                .body("name", equalTo("CMO"));
        as(ada).get("/api/agent-rooms/" + first).then().body("members[1].name", equalTo("CMO"));
        assertThat(events(ada, "room:" + second)).extracting(e -> e.get("type"))
                .containsExactly("member.added", "member.added", "message.created", "message.created");

        // another tenant's agent of the same ref keeps its slug
        String other = user(tenant(), "ada");
        as(other).get("/api/agent-rooms/" + room(other, "x-" + suffix(), List.of("marketing:cmo"))).then()
                .body("members[1].name", equalTo("cmo"));
        // a human keeps the roster's name
        as(ada).get("/api/agent-rooms/" + first).then().body("members[0].name", equalTo("Ada"));
    }

    @Test
    void badNamesAre400() {
        String t = tenant();
        String ada = user(t, "ada");
        String r = room(ada, "n-" + suffix(), List.of());
        for (String bad : new String[] {"", "   ", "x".repeat(81), "Evil\u202Eeman", "two\nlines"}) {
            as(ada).body(Map.of("ref", "marketing:cmo", "name", bad)).post(members(r)).then().statusCode(400)
                    .contentType("application/problem+json").body("code", equalTo("request.invalid"));
        }
        as(ada).body(Map.of("ref", "user:bob", "name", "Bob")).post(members(r)).then().statusCode(400)
                .body("code", equalTo("request.invalid"));
        as(ada).body(Map.of("ref", "marketing:cmo", "name", "x".repeat(80))).post(members(r)).then().statusCode(201);
        // nothing was added by the refused requests
        as(ada).get("/api/agent-rooms/" + r).then().body("members.ref", org.hamcrest.Matchers.contains("user:ada",
                "marketing:cmo"));
        // agents cannot name themselves
        as(app(t, "marketing")).body(Map.of("ref", "marketing:cmo", "name", "Boss")).post(members(r)).then()
                .statusCode(403).body("code", equalTo("room.agents_cannot_manage"));
        as(ada).get("/api/agent-rooms/" + r).then().body("members[1].name", equalTo("x".repeat(80)));
    }
}
