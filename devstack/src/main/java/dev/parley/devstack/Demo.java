package dev.parley.devstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code ./parley demo}: seeds tenant {@code acme} through the gateway, as a client would — people, channel messages,
 * the room {@code x-follower-push} with three marketing agents, room messages with a mention, a session of Ada's
 * shared with Bob. Every create carries a fixed {@code Idempotency-Key}, so running the demo twice creates nothing
 * twice. An endpoint that is not there yet is reported and skipped, never fatal.
 */
final class Demo {

    static final String TENANT = "acme";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(3)).build();
    private final StackConfig config;
    private final PrintStream out;
    private final String gateway;
    private int done;
    private int skipped;

    Demo(StackConfig config, PrintStream out) {
        this.config = config;
        this.out = out;
        this.gateway = config.gatewayUrl();
    }

    int run() {
        out.println("Seeding tenant '" + TENANT + "' through " + gateway + " …");
        String ada = token(Map.of("tenant", TENANT, "user", "ada", "name", "Ada"));
        String bob = token(Map.of("tenant", TENANT, "user", "bob", "name", "Bob"));
        String chen = token(Map.of("tenant", TENANT, "user", "chen", "name", "Chen"));
        String marketing = token(Map.of("tenant", TENANT, "app", "marketing"));
        if (ada == null || bob == null || chen == null || marketing == null) {
            out.println("✗ could not get tokens from POST /dev/token — is the stack up? (./parley status)");
            return 1;
        }

        // People join the roster with their first authenticated call.
        for (String[] person : new String[][] {{"Ada", ada}, {"Bob", bob}, {"Chen", chen}}) {
            call(person[0] + " signs in", "GET", "/api/me", person[1], null, null);
        }

        JsonNode first = call("Ada posts in the channel", "POST", "/api/channel/messages", ada,
                Map.of("body", "Morning all! Launch review for the X follower push at 11:00."), "demo-channel-1");
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("body", "I'll bring the engagement numbers from last week.");
        if (first != null && first.hasNonNull("id")) {
            reply.put("replyTo", first.get("id").asText());
        }
        call("Bob replies", "POST", "/api/channel/messages", bob, reply, "demo-channel-2");
        call("Chen posts", "POST", "/api/channel/messages", chen,
                Map.of("body", "Design assets are in the shared folder :rocket:"), "demo-channel-3");

        JsonNode room = call("Ada creates room x-follower-push with three agents", "POST", "/api/agent-rooms", ada,
                Map.of("name", "x-follower-push",
                        "description", "Grow X followers: plan, drafts, engagement",
                        "members", List.of("user:ada", "marketing:cmo", "marketing:content_drafter",
                                "marketing:engagement")), "demo-room-1");
        String roomId = room != null && room.hasNonNull("id") ? room.get("id").asText() : findRoom(ada);
        if (roomId != null) {
            String messages = "/api/agent-rooms/" + roomId + "/messages";
            call("Ada mentions the CMO agent", "POST", messages, ada,
                    Map.of("content", "@marketing:cmo what is our plan for the **X follower push** this week?"),
                    "demo-room-msg-1");
            call("marketing:cmo answers and hands over", "POST", messages, marketing,
                    Map.of("content", "Three posts a day for a week. @marketing:content_drafter please draft "
                            + "the first three; @marketing:engagement watch the replies.", "fromAgent", "cmo"),
                    "demo-room-msg-2");
            call("marketing:content_drafter drafts", "POST", messages, marketing,
                    Map.of("content", "Drafts ready: 1) behind the scenes 2) customer story 3) launch teaser. "
                            + "@user:ada which one first?", "fromAgent", "content_drafter"), "demo-room-msg-3");
        } else {
            skip("room messages", "no room to post into");
        }

        JsonNode session = call("Ada starts a session", "POST", "/api/sessions", ada,
                Map.of("title", "Launch copy for the follower push"), "demo-session-1");
        if (session != null && session.hasNonNull("id")) {
            String id = session.get("id").asText();
            call("Ada shares it with Bob", "POST", "/api/sessions/" + id + "/members", ada,
                    Map.of("ref", "user:bob"), "demo-share-1");
            call("Ada writes in it", "POST", "/api/sessions/" + id + "/messages", ada,
                    Map.of("turnId", UUID.nameUUIDFromBytes(("demo-turn-" + id).getBytes()).toString(),
                            "role", "user", "content", "Write a punchy teaser for launch day, under 280 characters."),
                    "demo-session-msg-1");
        } else {
            skip("session sharing and messages", "no session");
        }

        out.println();
        out.printf("Demo: %d step(s) done, %d skipped.%n", done, skipped);
        out.println("Look around: get a token for ada (see README), then GET " + gateway
                + "/api/presence, /api/channel/messages, /api/agent-rooms, /api/sessions.");
        return 0;
    }

    /** A token from the gateway's POST /dev/token (the route a user calls); the issuer's own as a fallback. */
    private String token(Map<String, String> body) {
        String fromGateway = postToken(gateway + "/dev/token", body);
        if (fromGateway != null) {
            return fromGateway;
        }
        String fromIssuer = postToken(config.devTokenUrl(), body);
        if (fromIssuer != null && body.get("user") != null && "ada".equals(body.get("user"))) {
            out.println("  (the gateway does not serve POST /dev/token yet: tokens come from the issuer at "
                    + config.devTokenUrl() + ")");
        }
        return fromIssuer;
    }

    private String postToken(String url, Map<String, String> body) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return null;
            }
            JsonNode token = JSON.readTree(response.body()).get("access_token");
            return token == null ? null : token.asText();
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private String findRoom(String token) {
        JsonNode rooms = call("Ada lists her rooms", "GET", "/api/agent-rooms", token, null, null);
        if (rooms != null && rooms.has("items")) {
            for (JsonNode r : rooms.get("items")) {
                if ("x-follower-push".equals(r.path("name").asText())) {
                    return r.path("id").asText(null);
                }
            }
        }
        return null;
    }

    /** One request; prints a line; returns the JSON answer on 2xx, else {@code null}. */
    private JsonNode call(String what, String method, String path, String token, Object body, String idempotencyKey) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gateway + path))
                    .timeout(Duration.ofSeconds(15))
                    .header("Authorization", "Bearer " + token)
                    .header("Accept", "application/json");
            if (idempotencyKey != null) {
                request.header("Idempotency-Key", idempotencyKey);
            }
            if (body != null) {
                request.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
            } else {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            }
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            int status = response.statusCode();
            if (status / 100 == 2) {
                done++;
                out.printf("  ✓ %-52s %s %s → %d%n", what, method, path, status);
                String text = response.body();
                return text == null || text.isBlank() ? JSON.createObjectNode() : JSON.readTree(text);
            }
            String reason = switch (status) {
                case 404, 405 -> "not there yet (" + status + ")";
                case 502, 503, 504 -> "service unavailable (" + status + ")";
                default -> "answered " + status + " " + abbreviate(response.body());
            };
            skip(what + " — " + method + " " + path, reason);
            return null;
        } catch (IOException e) {
            skip(what + " — " + method + " " + path, "no answer (" + e.getClass().getSimpleName() + ")");
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private void skip(String what, String reason) {
        skipped++;
        out.printf("  – skipped: %s: %s%n", what, reason);
    }

    private static String abbreviate(String body) {
        if (body == null) {
            return "";
        }
        String oneLine = body.replaceAll("\\s+", " ").trim();
        return oneLine.length() > 160 ? oneLine.substring(0, 160) + "…" : oneLine;
    }
}
