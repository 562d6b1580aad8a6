package dev.parley.channel;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static dev.parley.channel.ChannelApi.as;
import static dev.parley.channel.ChannelApi.post;
import static dev.parley.channel.ChannelApi.tenant;
import static dev.parley.channel.ChannelApi.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/** {@code GET /api/attachments/{id}?disposition=inline}: shown inline only for sniffed PNG, JPEG, GIF and WebP. */
@QuarkusTest
class InlineImagesTest {

    static final byte[] JPEG = HexFormat.of().parseHex("ffd8ffe000104a46494600010100000100010000ffd9");
    static final byte[] GIF = "GIF89a\u0001\u0000\u0001\u0000\u0000\u0000\u0000;".getBytes(StandardCharsets.ISO_8859_1);
    static final byte[] WEBP = HexFormat.of().parseHex("524946461a000000574542505650384c0d0000002f0000001007"
            + "1011118888fe0700");

    static String uploaded(String token, String name, byte[] bytes, String claimed) {
        return AttachmentApiTest.upload(token, name, bytes, claimed).getString("id");
    }

    static Response download(String token, String id, String disposition) {
        return as(token).queryParam("disposition", disposition).get("/api/attachments/" + id);
    }

    @Test
    void theFourImageTypesAreShownInlineWithASandbox() {
        String t = tenant();
        String ada = user(t, "ada");
        String bob = user(t, "bob");
        Map<String, byte[]> images = Map.of("image/png", AttachmentApiTest.PNG, "image/jpeg", JPEG, "image/gif", GIF,
                "image/webp", WEBP);
        List<String> ids = new java.util.ArrayList<>();
        for (Map.Entry<String, byte[]> image : images.entrySet()) {
            String id = uploaded(ada, "picture.bin", image.getValue(), "application/octet-stream");
            ids.add(id);
            Response inline = download(ada, id, "inline");
            assertThat(inline.statusCode()).isEqualTo(200);
            assertThat(inline.header("Content-Type")).as(image.getKey()).isEqualTo(image.getKey());
            assertThat(inline.header("Content-Disposition")).startsWith("inline;")
                    .contains("filename=\"picture.bin\"");
            assertThat(inline.header("Content-Security-Policy")).isEqualTo("sandbox");
            assertThat(inline.header("X-Content-Type-Options")).isEqualTo("nosniff");
            assertThat(inline.asByteArray()).isEqualTo(image.getValue());
            // without the parameter (or with attachment) it stays an attachment
            assertThat(as(ada).get("/api/attachments/" + id).header("Content-Disposition")).startsWith("attachment;");
            assertThat(download(ada, id, "attachment").header("Content-Disposition")).startsWith("attachment;");
        }
        // once attached, every member of the tenant sees them inline; another tenant gets 404
        post(ada, Map.of("body", "pictures", "attachments", ids)).statusCode(201);
        assertThat(download(bob, ids.get(0), "inline").header("Content-Disposition")).startsWith("inline;");
        download(user(tenant(), "eve"), ids.get(0), "inline").then().statusCode(404)
                .body("code", equalTo("request.not_found"));
    }

    @Test
    void everythingElseStaysAnAttachmentWhateverItClaims() {
        String ada = user(tenant(), "ada");
        byte[] svg = "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>"
                .getBytes(StandardCharsets.UTF_8);
        byte[] html = "<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
                .getBytes(StandardCharsets.UTF_8);
        byte[] text = "GIF8 not really".getBytes(StandardCharsets.UTF_8);
        byte[] tiny = "hi".getBytes(StandardCharsets.UTF_8);
        byte[] pdf = "%PDF-1.4\n%\u00e2\u00e3\n1 0 obj\n<<>>\nendobj\n".getBytes(StandardCharsets.ISO_8859_1);
        for (byte[] bytes : List.of(svg, html, text, tiny, pdf)) {
            String id = uploaded(ada, "image.png", bytes, "image/png");
            Response r = download(ada, id, "inline");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.header("Content-Disposition")).startsWith("attachment;");
            assertThat(r.header("Content-Type")).doesNotStartWith("image/png"); // the sniffed type, as a download
            assertThat(r.header("Content-Security-Policy")).isEqualTo("sandbox");
            assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
            assertThat(r.asByteArray()).isEqualTo(bytes);
        }
        String svgId = uploaded(ada, "logo.svg", svg, "image/svg+xml");
        assertThat(download(ada, svgId, "inline").header("Content-Disposition")).startsWith("attachment;");
    }

    @Test
    void anUnknownDispositionIs400() {
        String ada = user(tenant(), "ada");
        String id = uploaded(ada, "p.png", AttachmentApiTest.PNG, "image/png");
        download(ada, id, "INLINE; evil").then().statusCode(400).contentType("application/problem+json")
                .body("code", equalTo("request.invalid"));
        download(ada, id, "render").then().statusCode(400).body("code", equalTo("request.invalid"));
    }
}
