package dev.parley.rooms;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.parley.rooms.Api.app;
import static dev.parley.rooms.Api.as;
import static dev.parley.rooms.Api.post;
import static dev.parley.rooms.Api.postAs;
import static dev.parley.rooms.Api.room;
import static dev.parley.rooms.Api.suffix;
import static dev.parley.rooms.Api.tenant;
import static dev.parley.rooms.Api.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

/** {@code GET /api/agent-rooms/search}: only rooms the caller (or the app's agents) is in, newest first, paged. */
@QuarkusTest
class SearchApiTest {

    static JsonPath search(String token, Map<String, Object> params) {
        RequestSpecification request = as(token);
        params.forEach(request::queryParam);
        return request.get("/api/agent-rooms/search").then().statusCode(200).extract().jsonPath();
    }

    static String posted(String token, String roomId, String content) {
        return post(token, roomId, content).then().statusCode(201).extract().path("id");
    }

    @Test
    void findsMatchesInTheCallersRoomsOnly() {
        String t = tenant();
        String ada = user(t, "ada");
        String bob = user(t, "bob");
        String shared = room(ada, "launch-" + suffix(), List.of("user:bob", "marketing:cmo"));
        String adaOnly = room(ada, "private-" + suffix(), List.of());
        String first = posted(ada, shared, "The **invoice** for the launch is approved");
        String hidden = posted(ada, adaOnly, "invoice draft only Ada sees");
        String third = postAs(app(t, "marketing"), shared, "cmo", "Invoicing done, @user:ada")
                .then().statusCode(201).extract().path("id");
        String otherTenant = user(tenant(), "ada");
        posted(otherTenant, room(otherTenant, "launch-" + suffix(), List.of()), "invoice of another tenant");

        JsonPath mine = search(ada, Map.of("q", "invoice"));
        assertThat(mine.getList("items.message.id")).containsExactly(third, hidden, first);
        assertThat(mine.getList("items.roomId")).containsExactly(shared, adaOnly, shared);
        assertThat(mine.getString("items[0].message.sender")).isEqualTo("marketing:cmo");
        assertThat(mine.getString("items[2].snippet")).contains("[[invoice]]");
        assertThat(mine.getString("items[0].snippet")).startsWith("[[Invoicing]] done");
        assertThat((Object) mine.get("nextBefore")).isNull();

        assertThat(search(bob, Map.of("q", "invoice")).getList("items.message.id")).containsExactly(third, first);
        // an app token sees the rooms its agents are in
        assertThat(search(app(t, "marketing"), Map.of("q", "invoice")).getList("items.message.id"))
                .containsExactly(third, first);
        assertThat(search(app(t, "finance"), Map.of("q", "invoice")).getList("items")).isEmpty();
        assertThat(search(user(t, "carol"), Map.of("q", "invoice")).getList("items")).isEmpty();

        // one room
        assertThat(search(ada, Map.of("q", "invoice", "room", adaOnly)).getList("items.message.id"))
                .containsExactly(hidden);
        assertThat(search(ada, Map.of("q", "invoice", "room", shared)).getList("items.message.id"))
                .containsExactly(third, first);
    }

    @Test
    void aRoomTheCallerCannotSeeIs404() {
        String t = tenant();
        String ada = user(t, "ada");
        String roomId = room(ada, "secret-" + suffix(), List.of("user:bob"));
        posted(ada, roomId, "budget numbers");
        for (String token : new String[] {user(t, "carol"), app(t, "marketing"), user(tenant(), "ada")}) {
            as(token).queryParam("q", "budget").queryParam("room", roomId).get("/api/agent-rooms/search").then()
                    .statusCode(404).contentType("application/problem+json").body("code", equalTo("request.not_found"));
        }
        as(ada).queryParam("q", "budget").queryParam("room", "not-a-uuid").get("/api/agent-rooms/search").then()
                .statusCode(404);
        as(ada).queryParam("q", "budget").queryParam("room", UUID.randomUUID().toString())
                .get("/api/agent-rooms/search").then().statusCode(404);
        // a removed member loses the room's messages at once
        as(ada).delete("/api/agent-rooms/" + roomId + "/members/user:bob").then().statusCode(204);
        assertThat(search(user(t, "bob"), Map.of("q", "budget")).getList("items")).isEmpty();
        as(user(t, "bob")).queryParam("q", "budget").queryParam("room", roomId).get("/api/agent-rooms/search")
                .then().statusCode(404);
    }

    @Test
    void pagesBackNewestFirst() {
        String ada = user(tenant(), "ada");
        String a = room(ada, "a-" + suffix(), List.of());
        String b = room(ada, "b-" + suffix(), List.of());
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(posted(ada, i % 2 == 0 ? a : b, "retro item " + i));
        }
        List<String> seen = new ArrayList<>();
        String before = null;
        int pages = 0;
        do {
            RequestSpecification request = as(ada).queryParam("q", "retro").queryParam("limit", 2);
            if (before != null) {
                request.queryParam("before", before);
            }
            JsonPath page = request.get("/api/agent-rooms/search").then().statusCode(200).extract().jsonPath();
            assertThat(page.getList("items")).hasSizeLessThanOrEqualTo(2);
            seen.addAll(page.getList("items.message.id"));
            before = page.getString("nextBefore");
            pages++;
        } while (before != null);
        assertThat(pages).isEqualTo(3);
        assertThat(seen).containsExactlyElementsOf(ids.reversed());
        as(ada).queryParam("q", "retro").queryParam("limit", 500).get("/api/agent-rooms/search").then()
                .statusCode(200).body("items", hasSize(5)).body("nextBefore", nullValue());
    }

    @Test
    void snippetsArePlainTextWithOnlyTheMatchesMarked() {
        String ada = user(tenant(), "ada");
        String r = room(ada, "s-" + suffix(), List.of());
        String content = "see [[wiki]] <b>outage</b> <img src=x onerror=alert(1)> &amp; a<b and c>d";
        posted(ada, r, content);
        String snippet = search(ada, Map.of("q", "outage")).getString("items[0].snippet");
        // the content's own text, not HTML: nothing dropped or escaped, only the match marked
        assertThat(snippet).contains("<b>[[outage]]</b>");
        assertThat(content).contains(snippet.replace("\u200B", "").replace("[[outage]]", "outage"));
        assertThat(snippet).endsWith("&amp; a<b and c>d");
        assertThat(snippet.split("\\[\\[", -1)).hasSize(2);
        assertThat(snippet.split("]]", -1)).hasSize(2);
    }

    @Test
    void badQueriesAre400() {
        String ada = user(tenant(), "ada");
        for (String q : new String[] {"", "  ", "x".repeat(257), "a\u0000b"}) {
            as(ada).queryParam("q", q).get("/api/agent-rooms/search").then().statusCode(400)
                    .contentType("application/problem+json").body("code", equalTo("request.invalid"));
        }
        as(ada).get("/api/agent-rooms/search").then().statusCode(400).body("code", equalTo("request.invalid"));
        as(ada).queryParam("q", "x").queryParam("before", "12").get("/api/agent-rooms/search").then()
                .statusCode(400).body("code", equalTo("request.invalid"));
        as(ada).queryParam("q", "x").queryParam("limit", "many").get("/api/agent-rooms/search").then()
                .statusCode(400).body("code", equalTo("request.invalid"));
        as(ada).queryParam("q", "\"unclosed or -").get("/api/agent-rooms/search").then().statusCode(200);
        io.restassured.RestAssured.given().queryParam("q", "x").get("/api/agent-rooms/search").then().statusCode(401);
    }
}
