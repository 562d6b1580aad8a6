package dev.parley.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Extra gateway processes beside the devstack's own (B4, B6): the devstack gateway's exact command line (same
 * fast-jar snapshot, same config) with other ports and its own instance id {@code bench-<name>}, started and stopped
 * by the bench itself. Logs go to {@code bench/target/gateway-<name>/gateway.log}.
 */
final class ExtraGateway {

    private ExtraGateway() {
    }

    /** Starts {@code bench-<name>} on {@code port} / {@code mgmtPort}; {@link #awaitReady} before using it. */
    static Process start(long devstackGatewayPid, String name, int port, int mgmtPort) throws Exception {
        String[] args = Files.readString(Path.of("/proc/" + devstackGatewayPid + "/cmdline")).split("\0");
        List<String> cmd = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.startsWith("-Dparley.devstack.process=")) {
                continue; // not a devstack process: the bench stops it itself
            } else if (arg.startsWith("-Dquarkus.http.port=")) {
                cmd.add("-Dquarkus.http.port=" + port);
            } else if (arg.startsWith("-Dquarkus.management.port=")) {
                cmd.add("-Dquarkus.management.port=" + mgmtPort);
            } else if (arg.equals("-jar")) {
                cmd.add("-Dparley.gateway.instance-id=bench-" + name);
                cmd.add("-jar");
                // the devstack's hard-linked snapshot of gateway/target/quarkus-app (same build; a rebuild during the
                // run cannot pull classes from under it, ADR 0060)
                cmd.add(args[i + 1]);
                i++;
            } else {
                cmd.add(arg);
            }
        }
        Path dir = Path.of("bench/target/gateway-" + name).toAbsolutePath();
        Files.createDirectories(dir);
        return new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("gateway.log").toFile()).start();
    }

    /** Waits until {@code /q/health/ready} on the management port answers 200. */
    static void awaitReady(int mgmtPort, int seconds) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + mgmtPort + "/q/health/ready"))
                .timeout(Duration.ofSeconds(3)).build();
        if (Waits.until(Duration.ofSeconds(seconds), Duration.ofMillis(500),
                () -> http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200)) {
            return;
        }
        throw new IllegalStateException("gateway on management port " + mgmtPort + " not ready in " + seconds + " s");
    }

    /** SIGTERM (the gateway drains), SIGKILL after 10 s. */
    static void stop(Process p) throws InterruptedException {
        if (p.isAlive()) {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
        }
    }
}
