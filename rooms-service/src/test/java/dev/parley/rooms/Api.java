package dev.parley.rooms;

import dev.parley.testing.ParleyTestResources;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;

/** Small helpers over the rooms API as a client uses it (tokens from the real test issuer). */
final class Api {

    private Api() {
    }

    static String tenant() {
        return "t" + UUID.randomUUID().toString().substring(0, 8);
    }

    static String suffix() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    static String user(String tenant, String sub) {
        return ParleyTestResources.issuer().user(tenant, sub, sub.substring(0, 1).toUpperCase() + sub.substring(1));
    }

    static String app(String tenant, String app) {
        return ParleyTestResources.issuer().app(tenant, app);
    }

    static RequestSpecification as(String token) {
        return given().auth().oauth2(token).contentType(ContentType.JSON);
    }

    static Response createRoom(String token, String name, List<String> members) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", name);
        body.put("members", members);
        return as(token).body(body).post("/api/agent-rooms");
    }

    static String room(String token, String name, List<String> members) {
        return createRoom(token, name, members).then().statusCode(201).extract().path("id");
    }

    static Response post(String token, String roomId, String content) {
        return as(token).body(Map.of("content", content)).post("/api/agent-rooms/" + roomId + "/messages");
    }

    static Response postAs(String appToken, String roomId, String agent, String content) {
        return as(appToken).body(Map.of("content", content, "fromAgent", agent))
                .post("/api/agent-rooms/" + roomId + "/messages");
    }

    /** Every event of a stream, read back through the internal replay API with the caller's token. */
    static List<Map<String, Object>> events(String token, String stream) {
        List<Map<String, Object>> all = new ArrayList<>();
        long after = 0;
        while (true) {
            JsonPath page = given().auth().oauth2(token).get("/internal/streams/" + stream + "/events?after=" + after)
                    .then().statusCode(200).extract().jsonPath();
            List<Map<String, Object>> items = page.getList("items");
            if (items.isEmpty()) {
                return all;
            }
            all.addAll(items);
            after = ((Number) items.get(items.size() - 1).get("seq")).longValue();
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> data(Map<String, Object> event) {
        return (Map<String, Object>) event.get("data");
    }
}
