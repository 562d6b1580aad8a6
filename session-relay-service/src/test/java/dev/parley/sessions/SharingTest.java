package dev.parley.sessions;

import dev.parley.sessions.Api.Person;
import dev.parley.testing.ParleyTestResources;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;

import static dev.parley.sessions.Api.person;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

/** Owner-only sharing, idempotent grants and revokes, revocation reaching an offline member, tenancy. */
@QuarkusTest
class SharingTest {

    @Test
    void aCollaboratorCannotShareOrRevoke() {
        Person a = person("acme", "Ada");
        Person b = person("acme", "Bob");
        Person c = person("acme", "Cy");
        String id = Api.createSession(a, "owner only");
        Api.share(a, id, b);
        b.req().body(Map.of("ref", c.ref())).post("/api/sessions/" + id + "/members").then().statusCode(403)
                .body("code", equalTo("session.not_owner"));
        b.req().delete("/api/sessions/" + id + "/members/" + a.ref()).then().statusCode(403)
                .body("code", equalTo("session.not_owner"));
        a.req().get("/api/sessions/" + id).then().statusCode(200).body("members", hasSize(2))
                .body("members[1].ref", equalTo(b.ref())).body("members[1].role", equalTo("writer"));
    }

    @Test
    void grantingTwiceIsIdempotentAndRevokeReachesAnOfflineMember() {
        Person a = person("acme", "Ada");
        Person b = person("acme", "Bob");
        String id = Api.createSession(a, "Revocable");
        Api.share(a, id, b);
        a.req().body(Map.of("ref", b.ref())).post("/api/sessions/" + id + "/members").then().statusCode(200)
                .body("ref", equalTo(b.ref()));
        assertThat(Api.types(a, "session:" + id)).containsExactly("member.added");

        // B is offline (makes no call) while A revokes
        a.req().delete("/api/sessions/" + id + "/members/" + b.ref()).then().statusCode(204);
        a.req().delete("/api/sessions/" + id + "/members/" + b.ref()).then().statusCode(204);
        a.req().delete("/api/sessions/" + id + "/members/user:nobody").then().statusCode(204);
        assertThat(Api.types(a, "session:" + id)).containsExactly("member.added", "member.removed");

        // B comes back: 404 everywhere on the session
        String base = "/api/sessions/" + id;
        b.req().get(base).then().statusCode(404).body("code", equalTo("request.not_found"));
        b.req().get(base + "/messages").then().statusCode(404);
        b.req().body(Map.of("turnId", "t", "role", "user", "content", "x")).post(base + "/messages").then().statusCode(404);
        b.req().get(base + "/live").then().statusCode(404);
        b.req().get(base + "/transcript").then().statusCode(404);
        b.req().get(base + "/transcript/head").then().statusCode(404);
        b.req().body(Map.of("turnId", "t")).post(base + "/turn").then().statusCode(404);
        b.req().body(Map.of("engineSessionId", "e")).put(base + "/engine").then().statusCode(404);
        b.req().get("/internal/streams/session:" + id).then().statusCode(404);
        b.req().get("/internal/streams/session:" + id + "/events?after=0").then().statusCode(404);
        b.req().get("/api/sessions").then().statusCode(200).body("items", hasSize(0));

        // ...and finds the grant and the revoke tombstone on its me stream and in its share records
        List<Map<String, Object>> me = Api.events(b, "me");
        assertThat(me.stream().map(e -> e.get("type")).toList()).containsExactly("share.granted", "share.revoked");
        assertThat(((Map<?, ?>) me.get(1).get("data")).get("sessionId")).isEqualTo(id);
        assertThat(((Map<?, ?>) me.get(1).get("data")).get("kind")).isEqualTo("revoked");
        b.req().get("/api/me/shares?after=0").then().statusCode(200).body("items", hasSize(2))
                .body("items[0].kind", equalTo("granted")).body("items[1].kind", equalTo("revoked"))
                .body("items[1].title", equalTo("Revocable")).body("items[1].by.ref", equalTo(a.ref()));
        int firstSeq = b.req().get("/api/me/shares").path("items[0].seq");
        b.req().get("/api/me/shares?after=" + firstSeq).then().statusCode(200).body("items", hasSize(1))
                .body("items[0].kind", equalTo("revoked"));
    }

    @Test
    void anotherTenantAndAppTokensSeeNothing() throws Exception {
        Person a = person("acme", "Ada");
        String id = Api.createSession(a, "private");
        Person mallory = person("globex", "Mallory");
        Person sameSubOtherTenant = new Person("globex", a.sub(), "Ada",
                ParleyTestResources.issuer().user("globex", a.sub(), "Ada"));
        for (Person other : List.of(mallory, sameSubOtherTenant)) {
            other.req().get("/api/sessions/" + id).then().statusCode(404);
            other.req().get("/api/sessions").then().statusCode(200).body("items", hasSize(0));
            other.req().body(Map.of("ref", other.ref())).post("/api/sessions/" + id + "/members").then().statusCode(404);
            other.req().get("/internal/streams/session:" + id).then().statusCode(404);
        }
        // a session shared to a ref does not leak to the same ref of another tenant
        a.req().get("/api/sessions/" + id).then().statusCode(200);

        String app = ParleyTestResources.issuer().app("acme", "marketing");
        given().auth().oauth2(app).get("/api/sessions").then().statusCode(403).body("code", equalTo("auth.forbidden"));
        given().auth().oauth2(app).get("/api/sessions/" + id).then().statusCode(403);
        given().auth().oauth2(app).get("/internal/streams/session:" + id).then().statusCode(404);
        given().auth().oauth2(app).get("/internal/streams/me").then().statusCode(404);
        given().get("/api/sessions").then().statusCode(401);

        // not a uuid: as if it did not exist
        a.req().get("/api/sessions/not-a-session").then().statusCode(404);

        // what is stored is tenant-bound
        try (Connection db = ParleyTestResources.postgres().connect("sessions");
             ResultSet rs = db.createStatement().executeQuery("SELECT tenant FROM session WHERE id = '" + id + "'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("acme");
        }
    }

    @Test
    void sharingInputsAndIdempotencyKeys() {
        Person a = person("acme", "Ada");
        String first = a.req().header("Idempotency-Key", "create-1").body(Map.of("title", "Once"))
                .post("/api/sessions").then().statusCode(201).extract().path("id");
        a.req().header("Idempotency-Key", "create-1").body(Map.of("title", "Once")).post("/api/sessions")
                .then().statusCode(201).body("id", equalTo(first));
        a.req().header("Idempotency-Key", "create-1").body(Map.of("title", "Other")).post("/api/sessions")
                .then().statusCode(422).body("code", equalTo("idempotency.key_reused"));
        a.req().get("/api/sessions").then().body("items", hasSize(1));

        a.req().body(Map.of("ref", "marketing:cmo")).post("/api/sessions/" + first + "/members").then().statusCode(400)
                .body("code", equalTo("request.invalid"));
        a.req().body(Map.of("ref", "not a ref")).post("/api/sessions/" + first + "/members").then().statusCode(400)
                .body("code", equalTo("request.invalid"));
        a.req().body(Map.of()).post("/api/sessions/" + first + "/members").then().statusCode(400);
        a.req().delete("/api/sessions/" + first + "/members/" + a.ref()).then().statusCode(409)
                .body("code", equalTo("session.owner_not_removable"));
        // a share to someone who never signed in is fine (an invitation)
        a.req().body(Map.of("ref", "user:not-yet-here")).post("/api/sessions/" + first + "/members").then()
                .statusCode(201).body("ref", equalTo("user:not-yet-here"));
    }
}
