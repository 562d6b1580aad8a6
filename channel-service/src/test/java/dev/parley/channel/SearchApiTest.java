package dev.parley.channel;

import dev.parley.testing.ParleyTestResources;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.parley.channel.ChannelApi.as;
import static dev.parley.channel.ChannelApi.postText;
import static dev.parley.channel.ChannelApi.tenant;
import static dev.parley.channel.ChannelApi.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

/** {@code GET /api/channel/search}: full text, newest first, paged, plain snippets, only what the channel still keeps. */
@QuarkusTest
class SearchApiTest {

    static JsonPath search(String token, String q) {
        return as(token).queryParam("q", q).get("/api/channel/search").then().statusCode(200)
                .contentType(ContentType.JSON).extract().jsonPath();
    }

    @Test
    void findsMatchingMessagesNewestFirstWithMarkedSnippets() {
        String t = tenant();
        String ada = user(t, "ada");
        String bob = user(t, "bob");
        String first = postText(ada, "We are deploying the release tomorrow morning");
        postText(bob, "lunch at noon?");
        String second = postText(bob, "Release notes are in the wiki");
        String other = user(tenant(), "eve");
        postText(other, "release of the other tenant");

        JsonPath found = search(bob, "release");
        assertThat(found.getList("items.message.id")).containsExactly(second, first);
        assertThat(found.getString("items[0].message.author")).isEqualTo("user:bob");
        assertThat(found.getString("items[0].message.body")).isEqualTo("Release notes are in the wiki");
        assertThat(found.getString("items[0].snippet")).isEqualTo("[[Release]] notes are in the wiki");
        assertThat(found.getString("items[1].snippet")).contains("[[release]]");
        assertThat((Object) found.get("nextBefore")).isNull();

        // stemming: "deploy" finds "deploying"; web-search syntax: a quoted phrase, -word
        assertThat(search(ada, "deploy").getList("items.message.id")).containsExactly(first);
        assertThat(search(ada, "\"release notes\"").getList("items.message.id")).containsExactly(second);
        assertThat(search(ada, "release -wiki").getList("items.message.id")).containsExactly(first);
        assertThat(search(ada, "nothing-like-this").getList("items")).isEmpty();
        // only stop words: a valid query that matches nothing
        assertThat(search(ada, "the").getList("items")).isEmpty();
    }

    @Test
    void otherTenantsNeverSeeMatches() {
        String t1 = tenant();
        String t2 = tenant();
        String mine = postText(user(t1, "ada"), "quarterly budget draft");
        postText(user(t2, "ada"), "quarterly budget of tenant two");
        assertThat(search(user(t1, "bob"), "budget").getList("items.message.id")).containsExactly(mine);
        assertThat(search(user(t2, "bob"), "budget").getList("items.message.id")).doesNotContain(mine).hasSize(1);
        assertThat(search(user(tenant(), "zed"), "budget").getList("items")).isEmpty();
    }

    @Test
    void snippetsArePlainTextAndOnlyTheMatchesAreMarked() {
        String ada = user(tenant(), "ada");
        String body = "see [[wiki]] page <b>incident</b> <script>alert(1)</script> &amp; a<b and c>d";
        postText(ada, body);
        String snippet = search(ada, "incident").getString("items[0].snippet");
        // the body's own text, not HTML: nothing dropped as a tag or entity, nothing escaped, only the match marked
        assertThat(snippet).contains("<b>[[incident]]</b>");
        // an excerpt of the body, character for character
        assertThat(body).contains(snippet.replace("\u200B", "").replace("[[incident]]", "incident"));
        assertThat(snippet).endsWith("&amp; a<b and c>d");
        // the literal brackets of the body are not marks: the only [[ ]] pair is around the match
        assertThat(snippet.split("\\[\\[", -1)).hasSize(2);
        assertThat(snippet.split("]]", -1)).hasSize(2);
        // what looks like markup is searchable as words
        assertThat(search(ada, "alert").getList("items")).hasSize(1);
        assertThat(search(ada, "c").getList("items")).hasSize(1);
    }

    @Test
    void deletedEditedAndExpiredMessagesAreNotFound() throws Exception {
        String t = tenant();
        String ada = user(t, "ada");
        String deleted = postText(ada, "secret launch codename falcon");
        String edited = postText(ada, "falcon is the codename");
        String expired = postText(ada, "old falcon plans");
        String kept = postText(ada, "falcon status update");
        assertThat(search(ada, "falcon").getList("items.message.id")).containsExactly(kept, expired, edited, deleted);

        as(ada).delete("/api/channel/messages/" + deleted).then().statusCode(204);
        as(ada).contentType(ContentType.JSON).body(Map.of("body", "the codename changed"))
                .patch("/api/channel/messages/" + edited).then().statusCode(200);
        // older than the retention window (1 h in %test) but not yet removed by the job: never found
        try (Connection c = ParleyTestResources.postgres().connect("channel");
             PreparedStatement st = c.prepareStatement(
                     "UPDATE channel_message SET created_at = now() - interval '2 hours' WHERE id = ?::uuid")) {
            st.setString(1, expired);
            assertThat(st.executeUpdate()).isEqualTo(1);
        }
        assertThat(search(ada, "falcon").getList("items.message.id")).containsExactly(kept);
        assertThat(search(ada, "codename").getList("items.message.id")).containsExactly(edited);
        assertThat(search(ada, "secret").getList("items")).isEmpty();
    }

    @Test
    void pagesBackWithBeforeAndLimit() {
        String ada = user(tenant(), "ada");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(postText(ada, "standup note " + i));
        }
        postText(ada, "unrelated");
        List<String> seen = new ArrayList<>();
        Long before = null;
        int pages = 0;
        do {
            var request = as(ada).queryParam("q", "standup").queryParam("limit", 2);
            if (before != null) {
                request.queryParam("before", before);
            }
            JsonPath page = request.get("/api/channel/search").then().statusCode(200).extract().jsonPath();
            assertThat(page.getList("items")).hasSizeLessThanOrEqualTo(2);
            seen.addAll(page.getList("items.message.id"));
            before = page.get("nextBefore") == null ? null : page.getLong("nextBefore");
            pages++;
        } while (before != null);
        assertThat(pages).isEqualTo(3);
        assertThat(seen).containsExactlyElementsOf(ids.reversed());
        // a limit above 100 is capped, not refused
        as(ada).queryParam("q", "standup").queryParam("limit", 1000).get("/api/channel/search").then()
                .statusCode(200).body("items", hasSize(5)).body("nextBefore", nullValue());
    }

    @Test
    void badQueriesAre400AndAppsAre403() {
        String ada = user(tenant(), "ada");
        for (String q : new String[] {"", "   ", "x".repeat(257), "a\u0000b"}) {
            as(ada).queryParam("q", q).get("/api/channel/search").then().statusCode(400)
                    .contentType("application/problem+json").body("code", equalTo("request.invalid"));
        }
        as(ada).get("/api/channel/search").then().statusCode(400).body("code", equalTo("request.invalid"));
        as(ada).queryParam("q", "x".repeat(256)).get("/api/channel/search").then().statusCode(200)
                .body("items", empty());
        as(ada).queryParam("q", "a").queryParam("limit", "abc").get("/api/channel/search").then().statusCode(400)
                .body("code", equalTo("request.invalid"));
        as(ada).queryParam("q", "a").queryParam("before", "-1").get("/api/channel/search").then().statusCode(400)
                .body("code", equalTo("request.invalid"));
        // websearch syntax never fails, whatever the punctuation
        as(ada).queryParam("q", "!!( \"unclosed -- or or").get("/api/channel/search").then().statusCode(200);
        as(ParleyTestResources.issuer().app("acme", "marketing")).queryParam("q", "x").get("/api/channel/search")
                .then().statusCode(403).body("code", equalTo("auth.forbidden"));
        io.restassured.RestAssured.given().queryParam("q", "x").get("/api/channel/search").then().statusCode(401);
    }
}
