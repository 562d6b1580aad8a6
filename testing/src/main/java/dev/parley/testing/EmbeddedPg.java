package dev.parley.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A real PostgreSQL from the embedded distribution on Maven Central. As root, the distribution runs the server in
 * its own user namespace ({@code unshare -U}), so it works on CI machines that run everything as root.
 */
public final class EmbeddedPg implements AutoCloseable {

    public static final String USER = "postgres";
    public static final String PASSWORD = "postgres";

    private static EmbeddedPg shared;

    private volatile EmbeddedPostgres postgres;
    /** Port and data directory of a server that {@link #stop()} and {@link #start()} can restart; else null. */
    private final Integer restartPort;
    private final Path restartDir;

    private EmbeddedPg(EmbeddedPostgres postgres, Integer restartPort, Path restartDir) {
        this.postgres = postgres;
        this.restartPort = restartPort;
        this.restartDir = restartDir;
    }

    /** One server per JVM, on a free port with a throw-away data directory; it can be stopped and started again. */
    public static synchronized EmbeddedPg shared() {
        if (shared == null) {
            shared = Starts.withRetries(() -> {
                try {
                    int port = Ports.free();
                    Path dir = java.nio.file.Files.createTempDirectory("parley-pg");
                    return new EmbeddedPg(builder(port, dir).start(), port, dir);
                } catch (IOException e) {
                    throw new UncheckedIOException("PostgreSQL did not start", e);
                }
            });
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                shared.close();
                deleteTree(shared.restartDir);
            }, "embedded-pg-stop"));
        }
        return shared;
    }

    private static EmbeddedPostgres.Builder builder(int port, Path dir) {
        // never cleaned on close, so stop() and start() keep the data (initdb runs only into an empty directory);
        // the shared server's shutdown hook deletes it
        return EmbeddedPostgres.builder().setPort(port).setDataDirectory(dir).setCleanDataDirectory(false)
                .setPGStartupWait(java.time.Duration.ofSeconds(30)); // a loaded CI machine can take more than the default 10 s
    }

    /** Stops the server (an outage for the services using it); {@link #start()} brings it back with its data. */
    public synchronized void stop() {
        close();
    }

    /** Starts a stopped server again on the same port and data directory. */
    public synchronized void start() {
        if (restartPort == null) {
            throw new IllegalStateException("this server cannot be restarted");
        }
        try {
            postgres = builder(restartPort, restartDir).start();
        } catch (IOException e) {
            throw new UncheckedIOException("PostgreSQL did not start again", e);
        }
    }

    private static void deleteTree(Path dir) {
        try (var walk = java.nio.file.Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | RuntimeException ignored) {
            // best effort at JVM exit
        }
    }

    /** A persistent server on a fixed port and data directory (the local stack). */
    public static EmbeddedPg persistent(int port, Path dataDir, boolean fresh) {
        try {
            return new EmbeddedPg(EmbeddedPostgres.builder()
                    .setPort(port)
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(fresh)
                    .start(), null, null);
        } catch (IOException e) {
            throw new UncheckedIOException("PostgreSQL did not start in " + dataDir, e);
        }
    }

    public int port() {
        return postgres.getPort();
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://localhost:" + port() + "/" + database;
    }

    /** The URL form of Quarkus' reactive client. */
    public String reactiveUrl(String database) {
        return "postgresql://localhost:" + port() + "/" + database;
    }

    /** Creates the database unless it exists; returns its name. */
    public String createDatabase(String name) {
        if (!name.matches("[a-z][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("database name " + name);
        }
        try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), USER, PASSWORD);
             Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + name + "'")) {
                if (!rs.next()) {
                    s.execute("CREATE DATABASE " + name);
                }
            }
            return name;
        } catch (SQLException e) {
            throw new IllegalStateException("could not create database " + name, e);
        }
    }

    public Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), USER, PASSWORD);
    }

    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
