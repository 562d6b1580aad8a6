package dev.parley.sessions;

import dev.parley.testing.ParleyTestResources;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;

/** Small helpers for the REST calls the tests make as different people. */
final class Api {

    private Api() {
    }

    /** A fresh person of a tenant (unique per call, so tests never see each other's data). */
    record Person(String tenant, String sub, String name, String token) {
        String ref() {
            return "user:" + sub;
        }

        RequestSpecification req() {
            return given().auth().oauth2(token).contentType(ContentType.JSON);
        }
    }

    static Person person(String tenant, String name) {
        String sub = name.toLowerCase() + "-" + UUID.randomUUID().toString().substring(0, 8);
        return new Person(tenant, sub, name, ParleyTestResources.issuer().user(tenant, sub, name));
    }

    static String createSession(Person owner, String title) {
        return owner.req().body(Map.of("title", title)).post("/api/sessions")
                .then().statusCode(201).extract().path("id");
    }

    static void share(Person owner, String sessionId, Person with) {
        owner.req().body(Map.of("ref", with.ref())).post("/api/sessions/" + sessionId + "/members")
                .then().statusCode(201);
    }

    /** The events of a stream as the gateway would replay them for this person. */
    static List<Map<String, Object>> events(Person who, String stream) {
        Response r = who.req().get("/internal/streams/" + stream + "/events?after=0&limit=1000");
        r.then().statusCode(200);
        return r.jsonPath().getList("items");
    }

    static List<String> types(Person who, String stream) {
        return events(who, stream).stream().map(e -> (String) e.get("type")).toList();
    }
}
