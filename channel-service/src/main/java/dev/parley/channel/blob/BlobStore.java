package dev.parley.channel.blob;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * Where attachment bytes live. Every method blocks (file or network I/O): call them on a worker thread, never on
 * the event loop. Keys are {@code <tenant>/<attachment id>}.
 */
public interface BlobStore {

    /** Stores the file's bytes under the key (replacing whatever was there). */
    void put(String key, Path source, long size, String contentType) throws IOException;

    /** Opens the bytes for streaming; {@link java.nio.file.NoSuchFileException} when there is no such blob. */
    InputStream open(String key) throws IOException;

    /** Deletes the blob; deleting a missing blob is not an error. */
    void delete(String key) throws IOException;

    /** Whether a blob is stored under the key. */
    boolean exists(String key) throws IOException;
}
