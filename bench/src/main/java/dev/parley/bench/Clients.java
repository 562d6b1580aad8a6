package dev.parley.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * HTTP/WebSocket clients bound to several loopback source addresses (127.0.0.2, 127.0.0.3, ...), so the number of
 * connections is not limited by one source address's ephemeral ports (~28k). Subscribers go round-robin over them;
 * posts use their own client (127.0.0.1) on their own event loop ({@link #postLoop}), so neither a post's start nor
 * its 201 waits behind the burst of deliveries the generator's stream loops are reading (that queueing had made
 * POST→201 p99 a measure of the generator, for Parley and the Socket.IO reference alike).
 */
final class Clients {

    final Vertx vertx;
    private final List<HttpClient> streams = new ArrayList<>();
    final HttpClient posts;
    /** One event loop for posting: the posters' timers and the post client's connections. */
    final Vertx postLoop;
    private final AtomicInteger next = new AtomicInteger();
    final int sourceAddresses;

    Clients(Vertx vertx, int sourceAddresses, int perClientConnections, int postPool) {
        this(vertx, 2, sourceAddresses, perClientConnections, postPool);
    }

    /** Stream clients bound to 127.0.0.{firstSource}, 127.0.0.{firstSource + 1}, ... (several generator processes). */
    Clients(Vertx vertx, int firstSource, int sourceAddresses, int perClientConnections, int postPool) {
        this.vertx = vertx;
        this.sourceAddresses = sourceAddresses;
        for (int i = 0; i < sourceAddresses; i++) {
            streams.add(vertx.createHttpClient(new HttpClientOptions()
                    .setLocalAddress("127.0.0." + (firstSource + i))
                    .setMaxPoolSize(perClientConnections)
                    .setMaxWebSockets(perClientConnections)
                    .setConnectTimeout(20_000)
                    .setKeepAlive(true)));
        }
        postLoop = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
        posts = postLoop.createHttpClient(new HttpClientOptions()
                .setLocalAddress("127.0.0.1")
                .setMaxPoolSize(postPool)
                .setConnectTimeout(10_000)
                .setKeepAlive(true));
    }

    HttpClient stream() {
        return streams.get(Math.floorMod(next.getAndIncrement(), streams.size()));
    }

    void close() {
        streams.forEach(HttpClient::close);
        posts.close();
        postLoop.close();
    }
}
