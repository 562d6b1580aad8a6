package dev.parley.channel;

import dev.parley.channel.blob.S3BlobStore;
import dev.parley.channel.config.ChannelConfig;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The S3 blob store against a real S3-compatible server (s3proxy, in-memory store, with AWS v4 auth). */
class S3BlobStoreTest {

    static S3Proxy proxy;
    static BlobStoreContext context;
    static String endpoint;

    @BeforeAll
    static void start() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        context = ContextBuilder.newBuilder("transient").credentials("ignored", "ignored")
                .build(BlobStoreContext.class);
        endpoint = "http://127.0.0.1:" + port;
        proxy = S3Proxy.builder().blobStore(context.getBlobStore()).endpoint(URI.create(endpoint))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, "parley", "parley-secret").build();
        proxy.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> AbstractLifeCycle.STARTED.equals(proxy.getState()));
    }

    @AfterAll
    static void stop() throws Exception {
        if (proxy != null) {
            proxy.stop();
        }
        if (context != null) {
            context.close();
        }
    }

    static ChannelConfig.Blobs.S3 config(String bucket) {
        return new ChannelConfig.Blobs.S3() {
            public Optional<String> endpoint() {
                return Optional.of(endpoint);
            }

            public String region() {
                return "us-east-1";
            }

            public String bucket() {
                return bucket;
            }

            public Optional<String> accessKey() {
                return Optional.of("parley");
            }

            public Optional<String> secretKey() {
                return Optional.of("parley-secret");
            }

            public boolean pathStyle() {
                return true;
            }

            public boolean createBucket() {
                return true;
            }
        };
    }

    @Test
    void storesStreamsAndDeletesBlobs(@TempDir Path dir) throws Exception {
        byte[] bytes = new byte[3 * 1024 * 1024 + 17];
        new Random(7).nextBytes(bytes);
        Path file = dir.resolve("upload.bin");
        Files.write(file, bytes);
        try (S3BlobStore store = new S3BlobStore(config("parley-test"))) {
            String key = "acme/0193f1c2-0000-7000-8000-000000000001";
            assertThat(store.exists(key)).isFalse();
            store.put(key, file, bytes.length, "application/octet-stream");
            assertThat(store.exists(key)).isTrue();
            try (InputStream in = store.open(key)) {
                assertThat(in.readAllBytes()).isEqualTo(bytes);
            }
            store.delete(key);
            assertThat(store.exists(key)).isFalse();
            store.delete(key); // deleting a missing blob is fine
            assertThatThrownBy(() -> store.open(key)).isInstanceOf(NoSuchFileException.class);
        }
    }

    @Test
    void wrongCredentialsAreRefused(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("a.txt"), "x");
        ChannelConfig.Blobs.S3 good = config("parley-auth");
        try (S3BlobStore ignored = new S3BlobStore(good)) {
            // creates the bucket
        }
        ChannelConfig.Blobs.S3 bad = new ChannelConfig.Blobs.S3() {
            public Optional<String> endpoint() {
                return good.endpoint();
            }

            public String region() {
                return good.region();
            }

            public String bucket() {
                return good.bucket();
            }

            public Optional<String> accessKey() {
                return Optional.of("parley");
            }

            public Optional<String> secretKey() {
                return Optional.of("wrong");
            }

            public boolean pathStyle() {
                return true;
            }

            public boolean createBucket() {
                return false;
            }
        };
        try (S3BlobStore store = new S3BlobStore(bad)) {
            assertThatThrownBy(() -> store.put("acme/x", file, 1, "text/plain")).isInstanceOf(java.io.IOException.class);
        }
    }
}
