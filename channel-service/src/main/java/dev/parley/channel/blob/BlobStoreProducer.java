package dev.parley.channel.blob;

import dev.parley.channel.config.ChannelConfig;
import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;

import java.nio.file.Path;

/** The one {@link BlobStore} of the process, chosen by {@code parley.channel.blobs.store}. */
@ApplicationScoped
public class BlobStoreProducer {

    @Produces
    @ApplicationScoped
    @DefaultBean
    BlobStore blobStore(ChannelConfig config) {
        return switch (config.blobs().store()) {
            case FILESYSTEM -> new FileSystemBlobStore(Path.of(config.blobs().directory()));
            case S3 -> new S3BlobStore(config.blobs().s3());
        };
    }

    void close(@Disposes BlobStore store) throws Exception {
        if (store instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }
}
