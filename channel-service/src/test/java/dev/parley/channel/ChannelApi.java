package dev.parley.channel;

import dev.parley.testing.ParleyTestResources;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;

import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;

/** Small helpers over the channel REST API for the tests. */
final class ChannelApi {

    private ChannelApi() {
    }

    static String tenant() {
        return "t" + UUID.randomUUID().toString().substring(0, 8);
    }

    static String user(String tenant, String sub) {
        return ParleyTestResources.issuer().user(tenant, sub, sub.substring(0, 1).toUpperCase() + sub.substring(1));
    }

    static RequestSpecification as(String token) {
        return given().auth().oauth2(token);
    }

    static ValidatableResponse post(String token, Object body) {
        return as(token).contentType(ContentType.JSON).body(body).post("/api/channel/messages").then();
    }

    static String postText(String token, String text) {
        return post(token, Map.of("body", text)).statusCode(201).extract().path("id");
    }
}
