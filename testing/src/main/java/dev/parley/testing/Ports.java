package dev.parley.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free loopback ports for servers that must be told their port before they start (Kafka's KRaft listeners, a
 * PostgreSQL that restarts on the same port).
 * <p>
 * Ports come from below the kernel's ephemeral range (32768–60999 on Linux): a port the OS hands out for
 * {@code bind(0)} comes from that range, which every outgoing connection also draws its local port from, so between
 * "free" and the server's own bind a client socket (a Kafka client, a JDBC pool) could take it. Below the range only
 * another server can, and {@link #free()} still checks the port binds.
 */
public final class Ports {

    private static final int FIRST = 20000;
    private static final int LAST = 32767;

    private Ports() {
    }

    public static int free() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = random.nextInt(FIRST, LAST + 1);
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IllegalStateException("no free loopback port in " + FIRST + "-" + LAST);
    }
}
