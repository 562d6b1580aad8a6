package dev.parley.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The gateway's delivery path alone: rooms, tokens and subscriptions are real (through the gateway, authorized by
 * rooms-service once at subscribe), but each "post" is a {@code message.created} envelope produced straight into
 * {@code parley.rooms.events.v1} exactly as the stream-log relay would (key = stream key, headers type/seq/origin,
 * contiguous seqs after the room's head) — no REST call, no PostgreSQL, no relay in the loop. "POST→201" is then the
 * Kafka produce acknowledgement.
 */
final class DirectTarget implements Target {

    private final ParleyTarget parley;
    private final String tenant;
    private final KafkaProducer<String, byte[]> producer;
    private long[] next;

    DirectTarget(ParleyTarget parley, String tenant, int kafkaPort) {
        this.parley = parley;
        this.tenant = tenant;
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + kafkaPort,
                ProducerConfig.LINGER_MS_CONFIG, 0,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer());
    }

    @Override
    public String name() {
        return "gateway-only";
    }

    @Override
    public void setup(String runId, int rooms, int subsPerRoom, int postersPerRoom) throws Exception {
        parley.setup(runId, rooms, subsPerRoom, postersPerRoom);
    }

    @Override
    public Future<Void> connect(Sub sub) {
        return parley.connect(sub);
    }

    @Override
    public Future<Long> post(int room, int poster, String body) {
        if (next == null) {
            synchronized (this) {
                if (next == null) {
                    next = parley.heads.clone();
                }
            }
        }
        long sentAt = Sub.longAfter(body, "\"sentAt\":");
        int c0 = body.indexOf("\"content\":\"") + 11;
        String content = body.substring(c0, body.indexOf('"', c0));
        String roomId = parley.roomIds[room];
        String sender = "user:" + ParleyTarget.postUser(room, poster);
        Promise<Long> done = Promise.promise();
        synchronized (this) {
            long seq = ++next[room];
            String now = Instant.now().toString();
            String envelope = "{\"stream\":\"room:" + roomId + "\",\"seq\":" + seq
                    + ",\"type\":\"message.created\",\"at\":\"" + now + "\",\"data\":{\"id\":\"" + UUID.randomUUID()
                    + "\",\"seq\":" + seq + ",\"roomId\":\"" + roomId + "\",\"sender\":\"" + sender
                    + "\",\"senderName\":\"" + sender.substring(5).toUpperCase() + "\",\"content\":\"" + content
                    + "\",\"html\":\"<p>" + content + "</p>\\n\",\"mentions\":[],\"routes\":[],\"metadata\":{\"sentAt\":"
                    + sentAt + "},\"createdAt\":\"" + now + "\"}}";
            ProducerRecord<String, byte[]> record = new ProducerRecord<>("parley.rooms.events.v1",
                    tenant + "/room:" + roomId, envelope.getBytes(StandardCharsets.UTF_8));
            record.headers().add("parley-type", "message.created".getBytes(StandardCharsets.UTF_8));
            record.headers().add("parley-seq", String.valueOf(seq).getBytes(StandardCharsets.UTF_8));
            record.headers().add("parley-origin", sender.getBytes(StandardCharsets.UTF_8));
            producer.send(record, (md, e) -> {
                if (e != null) {
                    done.tryFail(e);
                } else {
                    done.tryComplete(seq);
                }
            });
        }
        return done.future();
    }

    @Override
    public List<ProcStats.Group> serverGroups() {
        return parley.serverGroups();
    }

    @Override
    public List<ProcStats.Group> allGroups() {
        return parley.allGroups();
    }

    @Override
    public void close() {
        producer.close();
    }
}
