package dev.parley.channel.service;

import dev.parley.channel.blob.BlobStore;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.util.List;

/** Removes blobs on a worker thread after their rows are gone; a failure is logged, never fails the caller. */
@ApplicationScoped
public class BlobCleaner {

    private static final Logger LOG = Logger.getLogger(BlobCleaner.class);

    private final BlobStore store;
    private final Vertx vertx;

    public BlobCleaner(BlobStore store, Vertx vertx) {
        this.store = store;
        this.vertx = vertx;
    }

    /** Deletes the blobs; completes with how many were deleted without error. */
    public Uni<Integer> deleteAll(List<String> keys) {
        if (keys == null || keys.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        List<String> copy = List.copyOf(keys);
        return vertx.executeBlocking(() -> {
            int ok = 0;
            for (String key : copy) {
                try {
                    store.delete(key);
                    ok++;
                } catch (IOException | RuntimeException e) {
                    LOG.warnf("could not delete blob %s (%s); it is orphaned", key, e.toString());
                }
            }
            return ok;
        }, false);
    }
}
