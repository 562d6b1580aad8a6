package dev.parley.channel.service;

import dev.parley.channel.blob.BlobStore;
import dev.parley.channel.config.ChannelConfig;
import dev.parley.channel.domain.Canonical;
import dev.parley.channel.domain.FileNames;
import dev.parley.channel.domain.UuidV7;
import dev.parley.channel.metrics.ChannelMetrics;
import dev.parley.channel.repository.AttachmentEntity;
import dev.parley.events.payload.Attachment;
import dev.parley.platform.identity.Caller;
import dev.parley.platform.idempotency.Idempotency;
import dev.parley.platform.problem.ErrorCodes;
import dev.parley.platform.problem.ProblemException;
import dev.parley.platform.sql.SessionSql;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import org.apache.tika.Tika;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;

/** Uploads (stored in the blob store, sniffed, hashed) and downloads (streamed) of channel attachments. */
@ApplicationScoped
public class AttachmentService {

    public static final String UPLOAD_ROUTE = "POST /api/attachments";
    private static final Logger LOG = Logger.getLogger(AttachmentService.class);
    private static final java.time.Duration LOOKUP_TIMEOUT = java.time.Duration.ofSeconds(10);

    private final BlobStore store;
    private final BlobCleaner cleaner;
    private final Idempotency idempotency;
    private final Vertx vertx;
    private final Pool pool;
    private final ChannelConfig config;
    private final Counter storedBytes;
    private final Tika tika = new Tika();

    public AttachmentService(BlobStore store, BlobCleaner cleaner, Idempotency idempotency, Vertx vertx,
                             Pool pool, ChannelConfig config, MeterRegistry registry) {
        this.store = store;
        this.cleaner = cleaner;
        this.idempotency = idempotency;
        this.vertx = vertx;
        this.pool = pool;
        this.config = config;
        this.storedBytes = Counter.builder(ChannelMetrics.ATTACHMENT_BYTES_STORED).baseUnit("bytes").register(registry);
    }

    /** $1 tenant, $2 the upload's size, $3 the quota: a row back = reserved, none = over the quota. */
    private static final String RESERVE = "INSERT INTO channel_attachment_usage AS u (tenant, bytes) "
            + "SELECT CAST($1 AS text), CAST($2 AS bigint) WHERE CAST($2 AS bigint) <= CAST($3 AS bigint) "
            + "ON CONFLICT (tenant) DO UPDATE SET bytes = u.bytes + excluded.bytes "
            + "WHERE u.bytes + excluded.bytes <= CAST($3 AS bigint) "
            + "RETURNING bytes";

    private record Stored(UUID id, String key, long size, String sha256, String contentType) {
    }

    /** Stores an uploaded file (already spooled to disk by the HTTP layer) and records it; 201 + Attachment. */
    public Uni<Response> upload(Caller caller, Path file, String clientName, long size, String idempotencyKey) {
        String uploader = caller.userRef();
        long max = config.attachments().maxSize().asLongValue();
        if (size > max) {
            throw ProblemException.tooLarge("attachments are limited to " + max + " bytes");
        }
        String name = FileNames.clean(clientName);
        UUID id = UuidV7.next();
        String key = caller.tenant() + "/" + id;
        boolean[] created = {false};
        return vertx.executeBlocking(() -> store(file, key, id), false)
                .chain(stored -> Panache.withTransaction(() -> idempotency.create(caller, UPLOAD_ROUTE, idempotencyKey,
                                Canonical.sorted(Map.of("name", name, "size", stored.size(), "sha256", stored.sha256())),
                                () -> reserve(caller.tenant(), stored.size()).chain(() -> {
                                    AttachmentEntity a = new AttachmentEntity();
                                    a.id = id;
                                    a.tenant = caller.tenant();
                                    a.uploader = uploader;
                                    a.name = name;
                                    a.size = stored.size();
                                    a.contentType = stored.contentType();
                                    a.sha256 = stored.sha256();
                                    a.blobKey = key;
                                    a.createdAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
                                    created[0] = true;
                                    return a.persist().replaceWith(toApi(a));
                                })))
                        .onTermination().call((response, failure, cancelled) -> {
                            if (created[0] && failure == null) {
                                storedBytes.increment(stored.size());
                                return Uni.createFrom().voidItem();
                            }
                            // an idempotent replay or a failed insert: the bytes just stored belong to nothing
                            return cleaner.deleteAll(java.util.List.of(key));
                        }));
    }

    /**
     * Adds an upload's bytes to its tenant's usage, or 422 {@code attachment.quota} when that would pass the quota
     * (ADR 0034). One conditional upsert: the usage row stays locked until the upload's transaction ends, so
     * concurrent uploads of the tenant on any instance are counted one after the other.
     */
    private Uni<Void> reserve(String tenant, long size) {
        long quota = config.attachments().tenantQuota().asLongValue();
        return SessionSql.rowsInTransaction(RESERVE, tenant, size, quota).map(rows -> {
            if (rows.isEmpty()) {
                throw ProblemException.limit(ErrorCodes.ATTACHMENT_QUOTA, "the tenant's attachments would exceed "
                        + quota + " bytes; delete some messages with attachments first");
            }
            return null;
        });
    }

    private Stored store(Path file, String key, UUID id) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        long size = Files.size(file);
        String type;
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha)) {
            type = tika.detect(new java.io.BufferedInputStream(in));
            in.transferTo(OutputStreamNull.INSTANCE);
        }
        // Tika read a prefix through the digest stream first; transferTo read the rest: the digest covers all bytes
        String hash = HexFormat.of().formatHex(sha.digest());
        store.put(key, file, size, type);
        return new Stored(id, key, size, hash, type);
    }

    /** A stored upload as a download needs it. */
    public record StoredFile(String name, String contentType, long size, String blobKey) {
    }


    /**
     * The stored upload for a member of its tenant (attached ones to everyone, unattached ones to their uploader),
     * or 404. Blocking: for the download endpoint, which runs on a worker thread so that it can stream with plain
     * I/O; the lookup waits at most {@code LOOKUP_TIMEOUT} for the database.
     */
    public StoredFile findBlocking(Caller caller, UUID id) {
        String ref = caller.userRef();
        RowSet<Row> rows = pool.preparedQuery("SELECT tenant, uploader, message_id, name, content_type, size, blob_key "
                        + "FROM channel_attachment WHERE id = $1").execute(Tuple.of(id))
                .await().atMost(LOOKUP_TIMEOUT);
        if (rows.size() == 0) {
            throw ProblemException.notFound("attachment");
        }
        Row a = rows.iterator().next();
        if (!a.getString("tenant").equals(caller.tenant())
                || (a.getUUID("message_id") == null && !a.getString("uploader").equals(ref))) {
            throw ProblemException.notFound("attachment");
        }
        return new StoredFile(a.getString("name"), a.getString("content_type"), a.getLong("size"), a.getString("blob_key"));
    }

    /** Opens the bytes of a stored upload (blocking); a blob that is gone answers 404. */
    public InputStream open(StoredFile file) {
        try {
            return store.open(file.blobKey());
        } catch (java.nio.file.NoSuchFileException e) {
            throw ProblemException.notFound("attachment");
        } catch (IOException e) {
            LOG.warnf("reading blob %s failed: %s", file.blobKey(), e.toString());
            throw ProblemException.unavailable("the blob store is unreachable", 5);
        }
    }

    public static Attachment toApi(AttachmentEntity a) {
        return new Attachment(a.id.toString(), a.name, a.size, a.contentType, a.sha256);
    }

    /** A sink for the bytes after the sniffed prefix (only the digest needs them). */
    private static final class OutputStreamNull extends java.io.OutputStream {
        static final OutputStreamNull INSTANCE = new OutputStreamNull();

        @Override
        public void write(int b) {
        }

        @Override
        public void write(byte[] b, int off, int len) {
        }
    }

}
