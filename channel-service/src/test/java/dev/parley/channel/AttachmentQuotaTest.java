package dev.parley.channel;

import dev.parley.testing.ParleyTestResources;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static dev.parley.channel.ChannelApi.as;
import static dev.parley.channel.ChannelApi.post;
import static dev.parley.channel.ChannelApi.tenant;
import static dev.parley.channel.ChannelApi.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

/**
 * Issue 23 item 4 (channel part): a tenant's attachment bytes, attached and unattached alike, stay within the quota
 * (64 KiB here, {@link TightLimitsProfile}); over it → 422 {@code attachment.quota}; concurrent uploads cannot pass it
 * together (the count is a database row, so this holds across instances); deleting frees the bytes.
 */
@QuarkusTest
@TestProfile(TightLimitsProfile.class)
class AttachmentQuotaTest {

    static final int KIB16 = 16 * 1024;

    static Response upload(String token, String name, int size, String key) {
        var request = as(token).multiPart("file", name, new byte[size], "application/octet-stream");
        if (key != null) {
            request = request.header("Idempotency-Key", key);
        }
        return request.post("/api/attachments");
    }

    static long usage(String tenant) throws Exception {
        try (Connection c = ParleyTestResources.postgres().connect("channel");
             PreparedStatement st = c.prepareStatement("SELECT coalesce((SELECT bytes FROM channel_attachment_usage "
                     + "WHERE tenant = ?), 0), (SELECT coalesce(sum(size), 0) FROM channel_attachment WHERE tenant = ?)")) {
            st.setString(1, tenant);
            st.setString(2, tenant);
            ResultSet rs = st.executeQuery();
            rs.next();
            assertThat(rs.getLong(1)).as("usage row = sum of the tenant's attachments").isEqualTo(rs.getLong(2));
            return rs.getLong(1);
        }
    }

    @Test
    void uploadsOverTheTenantQuotaAnswer422AndDeletingFreesTheBytes() throws Exception {
        String t = tenant();
        String ada = user(t, "ada");
        String bob = user(t, "bob");
        String other = user(tenant(), "eve");

        String first = upload(ada, "a.bin", KIB16, "k-1").then().statusCode(201).extract().path("id");
        upload(bob, "b.bin", KIB16, null).then().statusCode(201); // unattached uploads count too, any member's
        upload(ada, "c.bin", KIB16, null).then().statusCode(201);
        upload(bob, "d.bin", KIB16, null).then().statusCode(201);
        assertThat(usage(t)).isEqualTo(4L * KIB16);

        upload(ada, "e.bin", 1, null).then().statusCode(422)
                .contentType(startsWith("application/problem+json"))
                .body("status", equalTo(422))
                .body("code", equalTo("attachment.quota"));
        // a retry of an upload that was stored is still its first answer, not a quota error
        String again = upload(ada, "a.bin", KIB16, "k-1").then().statusCode(201).extract().path("id");
        assertThat(again).isEqualTo(first);
        // another tenant has its own quota
        upload(other, "f.bin", KIB16, null).then().statusCode(201);
        assertThat(usage(t)).isEqualTo(4L * KIB16);

        // deleting the message an upload is attached to frees its bytes
        String message = post(ada, Map.of("body", "with a file", "attachments", List.of(first))).statusCode(201)
                .extract().path("id");
        as(ada).delete("/api/channel/messages/" + message).then().statusCode(204);
        assertThat(usage(t)).isEqualTo(3L * KIB16);
        upload(ada, "g.bin", KIB16, null).then().statusCode(201);
        upload(ada, "h.bin", 1, null).then().statusCode(422).body("code", equalTo("attachment.quota"));
    }

    @Test
    void concurrentUploadsCannotTogetherPassTheQuota() throws Exception {
        String t = tenant();
        List<String> members = List.of(user(t, "ann"), user(t, "ben"), user(t, "cid"), user(t, "dee"));
        int uploads = 10; // 10 x 16 KiB against 64 KiB: exactly 4 fit
        ExecutorService pool = Executors.newFixedThreadPool(uploads);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Response>> answers = new ArrayList<>();
            for (int i = 0; i < uploads; i++) {
                String member = members.get(i % members.size());
                String name = "n" + i + ".bin";
                answers.add(pool.submit(() -> {
                    go.await();
                    return upload(member, name, KIB16, null);
                }));
            }
            go.countDown();
            int created = 0;
            for (Future<Response> answer : answers) {
                Response r = answer.get(60, TimeUnit.SECONDS);
                if (r.statusCode() == 201) {
                    created++;
                } else {
                    assertThat(r.statusCode()).isEqualTo(422);
                    assertThat(r.jsonPath().getString("code")).isEqualTo("attachment.quota");
                }
            }
            assertThat(created).isEqualTo(4);
            assertThat(usage(t)).isEqualTo(4L * KIB16);
        } finally {
            pool.shutdownNow();
        }
    }
}
