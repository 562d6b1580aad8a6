package dev.parley.channel;

import dev.parley.channel.blob.BlobStore;
import dev.parley.channel.service.RetentionJob;
import dev.parley.testing.ParleyTestResources;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static dev.parley.channel.ChannelApi.as;
import static dev.parley.channel.ChannelApi.post;
import static dev.parley.channel.ChannelApi.tenant;
import static dev.parley.channel.ChannelApi.user;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;

/** Uploads, downloads, attaching and the clean-up of uploads never attached (filesystem blob store). */
@QuarkusTest
class AttachmentApiTest {

    static final byte[] PNG = HexFormat.of().parseHex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
            + "0000000d49444154789c6360000000000500010d0a2db40000000049454e44ae426082");

    @Inject
    BlobStore blobs;

    @Inject
    RetentionJob jobs;

    static JsonPath upload(String token, String name, byte[] bytes, String claimedType) {
        return as(token).multiPart("file", name, bytes, claimedType).post("/api/attachments")
                .then().statusCode(201).extract().jsonPath();
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    static String blobKey(String id) throws Exception {
        try (Connection c = ParleyTestResources.postgres().connect("channel");
             PreparedStatement st = c.prepareStatement("SELECT blob_key FROM channel_attachment WHERE id = ?::uuid")) {
            st.setString(1, id);
            ResultSet rs = st.executeQuery();
            return rs.next() ? rs.getString(1) : null;
        }
    }

    @Test
    void uploadSniffsTheTypeAndDownloadStreamsTheBytesToTheTenant() throws Exception {
        String t = tenant();
        String ada = user(t, "ada");
        String bob = user(t, "bob");
        String eve = user(tenant(), "eve");

        byte[] text = "hello, world\n".getBytes(StandardCharsets.UTF_8);
        JsonPath a = upload(ada, "notes.txt", text, "image/png"); // the claimed type is ignored
        assertThat(a.getString("name")).isEqualTo("notes.txt");
        assertThat(a.getLong("size")).isEqualTo(text.length);
        assertThat(a.getString("contentType")).isEqualTo("text/plain");
        assertThat(a.getString("sha256")).isEqualTo(sha256(text));

        JsonPath png = upload(ada, "innocent.txt", PNG, "text/plain");
        assertThat(png.getString("contentType")).isEqualTo("image/png");

        byte[] big = new byte[2 * 1024 * 1024 + 3];
        new Random(1).nextBytes(big);
        JsonPath b = upload(ada, "../../report v2.bin", big, "application/pdf");
        assertThat(b.getString("name")).isEqualTo("report v2.bin");
        assertThat(b.getString("contentType")).isEqualTo("application/octet-stream");

        // before it is attached an upload is its uploader's only
        as(bob).get("/api/attachments/" + a.getString("id")).then().statusCode(404)
                .contentType(startsWith("application/problem+json")).body("code", equalTo("request.not_found"));
        as(ada).get("/api/attachments/" + a.getString("id")).then().statusCode(200);

        post(ada, Map.of("body", "files", "attachments", List.of(a.getString("id"), b.getString("id"))))
                .statusCode(201)
                .body("attachments.id", contains(a.getString("id"), b.getString("id")))
                .body("attachments[0].name", equalTo("notes.txt"))
                .body("attachments[0].size", equalTo(text.length))
                .body("attachments[0].contentType", equalTo("text/plain"));

        Response download = as(bob).get("/api/attachments/" + b.getString("id"));
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(download.header("Content-Disposition")).startsWith("attachment;").contains("filename=\"report v2.bin\"")
                .contains("filename*=UTF-8''report%20v2.bin");
        assertThat(download.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(download.header("Content-Type")).startsWith("application/octet-stream");
        assertThat(download.asByteArray()).isEqualTo(big);
        assertThat(as(bob).get("/api/attachments/" + a.getString("id")).asByteArray()).isEqualTo(text);

        as(eve).get("/api/attachments/" + b.getString("id")).then().statusCode(404).body("code", equalTo("request.not_found"));
        as(bob).get("/api/attachments/not-a-uuid").then().statusCode(404);
        given().get("/api/attachments/" + b.getString("id")).then().statusCode(401);
        as(ada).get("/api/attachments/" + java.util.UUID.randomUUID()).then().statusCode(404)
                .body("code", equalTo("request.not_found"));
    }

    @Test
    void onlyTheUploaderAttachesAnUploadAndOnlyOnce() {
        String t = tenant();
        String ada = user(t, "ada");
        String bob = user(t, "bob");
        String id = upload(ada, "a.txt", "a".getBytes(StandardCharsets.UTF_8), "text/plain").getString("id");

        post(bob, Map.of("body", "stealing", "attachments", List.of(id))).statusCode(422)
                .body("code", equalTo("attachment.invalid"));
        String other = user(tenant(), "ada");
        post(other, Map.of("body", "across tenants", "attachments", List.of(id))).statusCode(422)
                .body("code", equalTo("attachment.invalid"));
        post(ada, Map.of("body", "mine", "attachments", List.of(id))).statusCode(201);
        post(ada, Map.of("body", "again", "attachments", List.of(id))).statusCode(422)
                .body("code", equalTo("attachment.invalid"));
        // a refused post writes nothing, not even a partial attach
        String fresh = upload(ada, "b.txt", "b".getBytes(StandardCharsets.UTF_8), "text/plain").getString("id");
        post(ada, Map.of("body", "half", "attachments", List.of(fresh, id))).statusCode(422);
        post(ada, Map.of("body", "whole", "attachments", List.of(fresh))).statusCode(201);
        as(ada).get("/api/channel/messages").then().body("items.body", contains("mine", "whole"));
        as(ada).get("/internal/streams/channel/events?after=0").then().body("items", hasSize(2));
    }

    @Test
    void uploadsOverTheCapAre413AndAFileIsRequired() {
        String ada = user(tenant(), "ada");
        byte[] tooBig = new byte[26 * 1024 * 1024];
        as(ada).multiPart("file", "big.bin", tooBig, "application/octet-stream").post("/api/attachments")
                .then().statusCode(413).body("code", equalTo("request.too_large"));
        as(ada).multiPart("other", "x").post("/api/attachments").then().statusCode(400)
                .body("code", equalTo("request.invalid"));
        as(ada).get("/api/channel/messages").then().body("items", empty());
    }

    @Test
    void anIdempotentUploadIsStoredOnce() {
        String ada = user(tenant(), "ada");
        byte[] bytes = "same".getBytes(StandardCharsets.UTF_8);
        String first = as(ada).header("Idempotency-Key", "u-1").multiPart("file", "s.txt", bytes, "text/plain")
                .post("/api/attachments").then().statusCode(201).extract().path("id");
        String again = as(ada).header("Idempotency-Key", "u-1").multiPart("file", "s.txt", bytes, "text/plain")
                .post("/api/attachments").then().statusCode(201).extract().path("id");
        assertThat(again).isEqualTo(first);
    }

    @Test
    void deletingAMessageDeletesItsAttachmentsAndBlobs() throws Exception {
        String ada = user(tenant(), "ada");
        String id = upload(ada, "a.txt", "secret bytes".getBytes(StandardCharsets.UTF_8), "text/plain").getString("id");
        String key = blobKey(id);
        assertThat(blobs.exists(key)).isTrue();
        String message = post(ada, Map.of("body", "with file", "attachments", List.of(id))).statusCode(201)
                .extract().path("id");
        as(ada).delete("/api/channel/messages/" + message).then().statusCode(204);
        assertThat(blobKey(id)).isNull();
        assertThat(blobs.exists(key)).isFalse();
        as(ada).get("/api/attachments/" + id).then().statusCode(404);
    }

    @Test
    void uploadsNeverAttachedAreRemovedAfterTheirTtl() throws Exception {
        String ada = user(tenant(), "ada");
        String old = upload(ada, "old.txt", "old".getBytes(StandardCharsets.UTF_8), "text/plain").getString("id");
        String young = upload(ada, "young.txt", "young".getBytes(StandardCharsets.UTF_8), "text/plain").getString("id");
        String oldKey = blobKey(old);
        try (Connection c = ParleyTestResources.postgres().connect("channel");
             PreparedStatement st = c.prepareStatement(
                     "UPDATE channel_attachment SET created_at = now() - interval '2 hours' WHERE id = ?::uuid")) {
            st.setString(1, old);
            assertThat(st.executeUpdate()).isEqualTo(1);
        }
        assertThat(jobs.removeAbandonedUploads().await().atMost(Duration.ofSeconds(30))).isGreaterThanOrEqualTo(1);
        assertThat(blobKey(old)).isNull();
        assertThat(blobs.exists(oldKey)).isFalse();
        assertThat(blobKey(young)).isNotNull();
        assertThat(blobs.exists(blobKey(young))).isTrue();
        post(ada, Map.of("body", "too late", "attachments", List.of(old))).statusCode(422)
                .body("code", equalTo("attachment.invalid"));
    }
}
