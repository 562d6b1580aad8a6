package dev.parley.bench;

import io.vertx.core.Future;
import java.util.List;

/** What a fan-out workload runs against: Parley through its gateway, or the Socket.IO reference. */
interface Target {

    String name();

    /** Whether subscribers may use SSE (half of them do); else all use WebSocket. */
    default boolean supportsSse() {
        return true;
    }

    /** Creates {@code rooms} rooms, each with {@code subsPerRoom} subscribing and {@code postersPerRoom} posting members. */
    void setup(String runId, int rooms, int subsPerRoom, int postersPerRoom) throws Exception;

    /** Opens the subscriber's stream; completes once it is live (and sets {@code sub.base}). */
    Future<Void> connect(Sub sub);

    /** One post by poster {@code poster} of room {@code room}; completes with the assigned seq. */
    Future<Long> post(int room, int poster, String body);

    /** The server processes whose CPU is "the server" (gateway / node). */
    List<ProcStats.Group> serverGroups();

    /** Every process of the stack under test (for the per-process table). */
    List<ProcStats.Group> allGroups();

    void close();
}
