package dev.parley.events;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** The Kafka serde for {@link Envelope} values: the same JSON bytes clients receive. */
public class EnvelopeSerde implements Serde<Envelope> {

    public static class EnvelopeSerializer implements Serializer<Envelope> {
        @Override
        public byte[] serialize(String topic, Envelope envelope) {
            return envelope == null ? null : Json.bytes(envelope);
        }
    }

    public static class EnvelopeDeserializer implements Deserializer<Envelope> {
        @Override
        public Envelope deserialize(String topic, byte[] bytes) {
            return bytes == null ? null : Json.read(bytes, Envelope.class);
        }
    }

    @Override
    public Serializer<Envelope> serializer() {
        return new EnvelopeSerializer();
    }

    @Override
    public Deserializer<Envelope> deserializer() {
        return new EnvelopeDeserializer();
    }
}
