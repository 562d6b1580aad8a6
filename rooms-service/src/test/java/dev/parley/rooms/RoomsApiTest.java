package dev.parley.rooms;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import static dev.parley.rooms.Api.as;
import static dev.parley.rooms.Api.createRoom;
import static dev.parley.rooms.Api.events;
import static dev.parley.rooms.Api.room;
import static dev.parley.rooms.Api.suffix;
import static dev.parley.rooms.Api.tenant;
import static dev.parley.rooms.Api.user;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/** Rooms and membership over HTTP, on real PostgreSQL and Kafka. */
@QuarkusTest
class RoomsApiTest {

    @Test
    void createdRoomHasTheCreatorAndItsRosterWithNames() {
        String t = tenant();
        String ada = user(t, "ada");
        String name = "x-follower-push";
        JsonPath room = createRoom(ada, name, List.of("marketing:cmo", "user:bob", "marketing:cmo"))
                .then().statusCode(201).extract().jsonPath();
        assertThat(room.getString("name")).isEqualTo(name);
        assertThat(room.getString("createdBy")).isEqualTo("user:ada");
        assertThat(room.getString("description")).isNull();
        assertThat(room.getList("members.ref")).containsExactly("user:ada", "marketing:cmo", "user:bob");
        assertThat(room.getList("members.kind")).containsExactly("user", "agent", "user");
        assertThat(room.getList("members.addedBy")).containsOnly("user:ada");
        String id = room.getString("id");

        JsonPath read = as(ada).get("/api/agent-rooms/" + id).then().statusCode(200).extract().jsonPath();
        assertThat(read.getList("members.ref")).containsExactly("user:ada", "marketing:cmo", "user:bob");
        assertThat(read.getString("members[0].name")).isEqualTo("Ada");
        assertThat(read.getString("members[2].name")).as("bob never signed in").isNull();
        assertThat(read.getString("createdAt")).isEqualTo(room.getString("createdAt"));

        // the room's stream starts with one member.added per initial member
        List<Map<String, Object>> log = events(ada, "room:" + id);
        assertThat(log).extracting(e -> e.get("type")).containsOnly("member.added");
        assertThat(log).extracting(e -> Api.data(e).get("ref")).containsExactly("user:ada", "marketing:cmo", "user:bob");
        assertThat(log).extracting(e -> ((Number) e.get("seq")).longValue()).containsExactly(1L, 2L, 3L);
    }

    @Test
    void namesAreValidatedAndUniquePerTenant() {
        String t = tenant();
        String ada = user(t, "ada");
        for (String bad : new String[]{"", "Upper", "-dash", "has space", "a".repeat(81)}) {
            createRoom(ada, bad, List.of()).then().statusCode(400).body("code", equalTo("request.invalid"));
        }
        as(ada).body("{\"members\": []}").post("/api/agent-rooms").then().statusCode(400)
                .body("code", equalTo("request.invalid"));
        as(ada).post("/api/agent-rooms").then().statusCode(400);
        createRoom(ada, "a".repeat(80), List.of()).then().statusCode(201);
        room(ada, "sales-team", List.of());
        createRoom(user(t, "bob"), "sales-team", List.of()).then().statusCode(409)
                .body("code", equalTo("room.name_taken"));
        createRoom(user(tenant(), "ada"), "sales-team", List.of()).then().statusCode(201);
        createRoom(ada, "team", List.of("not-a-ref")).then().statusCode(400).body("code", equalTo("request.invalid"));
    }

    @Test
    void createIsIdempotentPerKey() {
        String t = tenant();
        String ada = user(t, "ada");
        Map<String, Object> body = Map.of("name", "handoff", "members", List.of("sales:ae"));
        String first = as(ada).header("Idempotency-Key", "k-1").body(body).post("/api/agent-rooms")
                .then().statusCode(201).extract().path("id");
        String again = as(ada).header("Idempotency-Key", "k-1").body(body).post("/api/agent-rooms")
                .then().statusCode(201).extract().path("id");
        assertThat(again).isEqualTo(first);
        as(ada).header("Idempotency-Key", "k-1").body(Map.of("name", "other")).post("/api/agent-rooms")
                .then().statusCode(422).body("code", equalTo("idempotency.key_reused"));
        assertThat(as(ada).get("/api/agent-rooms").then().statusCode(200).extract().jsonPath()
                .getList("items.id")).containsExactly(first);
        assertThat(events(ada, "room:" + first)).hasSize(2);
    }

    @Test
    void onlyHumansCreateRooms() {
        String t = tenant();
        createRoom(Api.app(t, "marketing"), "bots-only", List.of("marketing:cmo")).then().statusCode(403)
                .body("code", equalTo("room.agents_cannot_manage"));
    }

    @Test
    void listShowsTheCallersRoomsAndAnAppTheRoomsOfItsAgents() {
        String t = tenant();
        String ada = user(t, "ada");
        String bob = user(t, "bob");
        String r1 = room(ada, "one", List.of("marketing:cmo"));
        String r2 = room(ada, "two", List.of("user:bob"));
        String r3 = room(bob, "three", List.of("sales:ae"));
        assertThat(as(ada).get("/api/agent-rooms").then().statusCode(200).extract().jsonPath().getList("items.id"))
                .containsExactly(r1, r2);
        assertThat(as(bob).get("/api/agent-rooms").then().extract().jsonPath().getList("items.id"))
                .containsExactly(r2, r3);
        JsonPath marketing = as(Api.app(t, "marketing")).get("/api/agent-rooms").then().statusCode(200)
                .extract().jsonPath();
        assertThat(marketing.getList("items.id")).containsExactly(r1);
        assertThat(marketing.getList("items[0].members.ref")).containsExactly("user:ada", "marketing:cmo");
        assertThat(as(Api.app(t, "engineering")).get("/api/agent-rooms").then().extract().jsonPath()
                .getList("items")).isEmpty();
        // another tenant sees nothing, even with the same subject and app id
        assertThat(as(user(tenant(), "ada")).get("/api/agent-rooms").then().extract().jsonPath().getList("items"))
                .isEmpty();
        as(user(tenant(), "ada")).get("/api/agent-rooms/" + r1).then().statusCode(404);
        as(Api.app(tenant(), "marketing")).get("/api/agent-rooms/" + r1).then().statusCode(404);
    }

    @Test
    void roomsAreNeverDeleted() {
        String t = tenant();
        String ada = user(t, "ada");
        String id = room(ada, "forever", List.of("marketing:cmo"));
        as(ada).delete("/api/agent-rooms/" + id).then().statusCode(405).body("code", equalTo("request.method_not_allowed"));
        as(Api.app(t, "marketing")).delete("/api/agent-rooms/" + id).then().statusCode(405);
        as(user(t, "mallory")).delete("/api/agent-rooms/" + id).then().statusCode(404);
        as(user(tenant(), "ada")).delete("/api/agent-rooms/" + id).then().statusCode(404);
        as(ada).delete("/api/agent-rooms/not-a-uuid").then().statusCode(404);
        as(ada).get("/api/agent-rooms/" + id).then().statusCode(200);
    }

    @Test
    void everyEndpointNeedsAToken() {
        given().get("/api/agent-rooms").then().statusCode(401).body("code", equalTo("auth.unauthorized"));
        given().contentType("application/json").body("{\"name\":\"x\"}").post("/api/agent-rooms").then().statusCode(401);
        given().get("/api/agent-rooms/00000000-0000-7000-8000-000000000000/messages").then().statusCode(401);
        given().auth().oauth2(dev.parley.testing.ParleyTestResources.issuer().expired("acme", "ada"))
                .get("/api/agent-rooms").then().statusCode(401);
    }

    @Test
    void humanMembersManageMembershipIdempotentlyWithOneEventPerChange() {
        String t = tenant();
        String ada = user(t, "ada");
        String id = room(ada, "ops", List.of("user:bob"));
        String members = "/api/agent-rooms/" + id + "/members";
        String bob = user(t, "bob");

        // an agent without a display name is shown by its slug (contract §5)
        as(bob).body(Map.of("ref", "marketing:cmo")).post(members).then().statusCode(201)
                .body("ref", equalTo("marketing:cmo")).body("kind", equalTo("agent"))
                .body("addedBy", equalTo("user:bob")).body("name", equalTo("cmo"));
        as(ada).body(Map.of("ref", "marketing:cmo")).post(members).then().statusCode(200)
                .body("addedBy", equalTo("user:bob"));
        as(ada).body(Map.of("ref", "user:carol")).post(members).then().statusCode(201);
        as(ada).body(Map.of("ref", "bad ref")).post(members).then().statusCode(400).body("code", equalTo("request.invalid"));
        as(ada).body(Map.of()).post(members).then().statusCode(400);
        // agents may not manage
        as(Api.app(t, "marketing")).body(Map.of("ref", "marketing:engagement")).post(members).then().statusCode(403)
                .body("code", equalTo("room.agents_cannot_manage"));
        as(Api.app(t, "marketing")).delete(members + "/user:bob").then().statusCode(403)
                .body("code", equalTo("room.agents_cannot_manage"));
        // a non-member cannot see it at all
        as(user(t, "mallory")).body(Map.of("ref", "user:mallory")).post(members).then().statusCode(404);
        as(Api.app(t, "sales")).body(Map.of("ref", "sales:ae")).post(members).then().statusCode(404);

        as(ada).delete(members + "/marketing:cmo").then().statusCode(204);
        as(ada).delete(members + "/marketing:cmo").then().statusCode(204);
        as(ada).delete(members + "/user:nobody").then().statusCode(204);
        as(ada).delete(members + "/Not%20A%20Ref").then().statusCode(400);

        List<Map<String, Object>> log = events(ada, "room:" + id);
        assertThat(log).extracting(e -> e.get("type") + " " + Api.data(e).get("ref")).containsExactly(
                "member.added user:ada", "member.added user:bob", "member.added marketing:cmo",
                "member.added user:carol", "member.removed marketing:cmo");
        assertThat(log).extracting(e -> ((Number) e.get("seq")).longValue()).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(Api.data(log.get(4))).containsEntry("addedBy", "user:bob").containsEntry("kind", "agent");
        assertThat(as(ada).get("/api/agent-rooms/" + id).then().extract().jsonPath().getList("members.ref"))
                .containsExactly("user:ada", "user:bob", "user:carol");
    }

    @Test
    void aRemovedMemberLosesAccessAtOnceAndTheirMessagesStay() {
        String t = tenant();
        String ada = user(t, "ada");
        String bob = user(t, "bob");
        String id = room(ada, "ops", List.of("user:bob"));
        Api.post(bob, id, "bob was here").then().statusCode(201);
        as(bob).get("/internal/streams/room:" + id).then().statusCode(200);

        as(ada).delete("/api/agent-rooms/" + id + "/members/user:bob").then().statusCode(204);

        as(bob).get("/api/agent-rooms/" + id).then().statusCode(404);
        as(bob).get("/api/agent-rooms/" + id + "/messages").then().statusCode(404);
        Api.post(bob, id, "still here?").then().statusCode(404);
        as(bob).get("/internal/streams/room:" + id).then().statusCode(404);
        as(bob).get("/internal/streams/room:" + id + "/events?after=0").then().statusCode(404);
        assertThat(as(bob).get("/api/agent-rooms").then().extract().jsonPath().getList("items")).isEmpty();
        assertThat(as(ada).get("/api/agent-rooms/" + id + "/messages").then().statusCode(200).extract().jsonPath()
                .getList("items.content")).containsExactly("bob was here");
    }

    @Test
    void fiftyMembersAtMostByDefault() {
        String t = tenant();
        String ada = user(t, "ada");
        List<String> others = new ArrayList<>(IntStream.rangeClosed(1, 48).mapToObj(i -> "bots:b" + i).toList());
        String id = room(ada, "big", others); // 49 members
        String members = "/api/agent-rooms/" + id + "/members";
        as(ada).body(Map.of("ref", "bots:b49")).post(members).then().statusCode(201); // the 50th
        as(ada).body(Map.of("ref", "bots:b50")).post(members).then().statusCode(422)
                .body("code", equalTo("room.member_limit"));
        as(ada).body(Map.of("ref", "bots:b49")).post(members).then().statusCode(200); // already in: no limit hit
        assertThat(as(ada).get("/api/agent-rooms/" + id).then().extract().jsonPath().getList("members")).hasSize(50);

        others.add("bots:b49");
        others.add("bots:b50"); // 51 with the creator
        createRoom(ada, "too-big", others).then().statusCode(422).body("code", equalTo("room.member_limit"));
        createRoom(ada, "too-big", others.subList(0, 49)).then().statusCode(201);
    }

    @Test
    void aRoomCreatedWithThousandsOfMembersHasEachOnceInOrderWithOneEventEach() {
        String ada = user("big", "ada-" + suffix());
        List<String> invited = new ArrayList<>(IntStream.range(0, 2999).mapToObj(i -> i % 10 == 0
                ? "bots:b" + i : "user:m" + i).toList());
        invited.add(invited.get(5)); // a duplicate is dropped
        JsonPath created = createRoom(ada, "crowd-" + suffix(), invited).then().statusCode(201).extract().jsonPath();
        String creator = created.getString("createdBy");
        List<String> expected = new ArrayList<>();
        expected.add(creator);
        expected.addAll(invited.subList(0, 2999));
        assertThat(created.getList("members.ref", String.class)).containsExactlyElementsOf(expected);
        String id = created.getString("id");
        assertThat(as(ada).get("/api/agent-rooms/" + id).then().statusCode(200).extract().jsonPath()
                .getList("members.ref", String.class)).containsExactlyElementsOf(expected);

        List<Map<String, Object>> log = events(ada, "room:" + id);
        assertThat(log).extracting(e -> ((Number) e.get("seq")).longValue())
                .containsExactlyElementsOf(LongStream.rangeClosed(1, 3000).boxed().toList());
        assertThat(log).extracting(e -> (String) e.get("type")).containsOnly("member.added");
        assertThat(log).extracting(e -> (String) Api.data(e).get("ref")).containsExactlyElementsOf(expected);
        assertThat(log).extracting(e -> (String) Api.data(e).get("kind"))
                .containsExactlyElementsOf(expected.stream().map(r -> r.startsWith("user:") ? "user" : "agent").toList());

        // one over the tenant's limit of 3,000 is refused, the room stays as it was
        as(ada).body(Map.of("ref", "user:one-too-many")).post("/api/agent-rooms/" + id + "/members").then()
                .statusCode(422).body("code", equalTo("room.member_limit"));
        invited.add("user:one-too-many");
        createRoom(ada, "crowd-" + suffix(), invited).then().statusCode(422).body("code", equalTo("room.member_limit"));
        // the app of the agents sees the room, another app does not
        as(Api.app("big", "bots")).get("/internal/streams/room:" + id).then().statusCode(200)
                .body("head", equalTo(3000));
        as(Api.app("big", "other")).get("/internal/streams/room:" + id).then().statusCode(404);
        as(user("big", "m7")).get("/internal/streams/room:" + id).then().statusCode(200);
        as(user("big", "stranger-" + suffix())).get("/internal/streams/room:" + id).then().statusCode(404);
    }

    @Test
    void theMemberLimitIsConfigurablePerTenant() {
        String tiny = user("tiny", "ada-" + suffix());
        String id = room(tiny, "small-" + suffix(), List.of("bots:a", "bots:b")); // 3 = tiny's limit
        as(tiny).body(Map.of("ref", "bots:c")).post("/api/agent-rooms/" + id + "/members").then().statusCode(422)
                .body("code", equalTo("room.member_limit"));
        createRoom(tiny, "small-" + suffix(), List.of("bots:a", "bots:b", "bots:c")).then().statusCode(422);
    }

    @Test
    void descriptionIsKeptAndBounded() {
        String t = tenant();
        String ada = user(t, "ada");
        as(ada).body(Map.of("name", "described", "description", "Daily standups")).post("/api/agent-rooms")
                .then().statusCode(201).body("description", equalTo("Daily standups"));
        as(ada).body(Map.of("name", "long", "description", "d".repeat(1001))).post("/api/agent-rooms")
                .then().statusCode(400).body("code", equalTo("request.invalid"));
    }

    @Test
    void metricsCountRoomsMembersMessagesRoutesAndDeliveries() {
        String t = tenant();
        String ada = user(t, "ada");
        String id = room(ada, "metered", List.of("marketing:cmo"));
        as(ada).body(Map.of("ref", "marketing:engagement")).post("/api/agent-rooms/" + id + "/members")
                .then().statusCode(201);
        as(ada).delete("/api/agent-rooms/" + id + "/members/marketing:engagement").then().statusCode(204);
        Api.post(ada, id, "@marketing:cmo hello").then().statusCode(201);
        Api.post(ada, id, "hello all").then().statusCode(201);
        String management = "http://localhost:" + org.eclipse.microprofile.config.ConfigProvider.getConfig()
                .getValue("quarkus.management.test-port", Integer.class);
        String metrics = given().get(management + "/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).contains("parley_rooms_rooms_created_total",
                "parley_rooms_members_added_total{kind=\"agent\"",
                "parley_rooms_members_added_total{kind=\"user\"",
                "parley_rooms_members_removed_total{kind=\"agent\"",
                "parley_rooms_messages_posted_total{sender=\"user\"",
                "parley_rooms_message_routes_count",
                "parley_rooms_message_routes_bucket",
                "parley_rooms_deliveries_total{mentioned=\"true\"",
                "parley_rooms_deliveries_total{mentioned=\"false\"");
    }
}
