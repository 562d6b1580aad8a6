package dev.parley.testing;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The real parts really work: a message through the broker, a query on PostgreSQL, a token from the issuer. */
class RealPartsTest {

    @Test
    void kafkaBrokerCarriesRecords() throws Exception {
        String topic = "real-parts-" + System.nanoTime();
        Map<String, Object> common = Map.of("bootstrap.servers", EmbeddedKafka.shared().bootstrapServers());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(common, new StringSerializer(),
                new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, "k", "hello")).get();
        }
        Map<String, Object> consumerConfig = new java.util.HashMap<>(common);
        consumerConfig.put("group.id", "real-parts");
        consumerConfig.put("auto.offset.reset", "earliest");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerConfig, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            List<String> values = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(r.value());
                }
            }
            assertThat(values).containsExactly("hello");
        }
    }

    @Test
    void postgresAnswersQueries() throws Exception {
        EmbeddedPg pg = EmbeddedPg.shared();
        pg.createDatabase("real_parts");
        try (Connection c = pg.connect("real_parts"); ResultSet rs = c.createStatement()
                .executeQuery("SELECT current_database(), current_setting('server_version_num')::int")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("real_parts");
            assertThat(rs.getInt(2)).isGreaterThanOrEqualTo(170000);
        }
    }

    @Test
    void issuerServesDiscoveryAndMintsTokensForTenants() throws Exception {
        TokenIssuer issuer = TokenIssuer.shared();
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> discovery = http.send(HttpRequest.newBuilder(
                URI.create(issuer.issuer() + "/.well-known/openid-configuration")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(discovery.statusCode()).isEqualTo(200);
        assertThat(discovery.body()).contains("\"jwks_uri\":\"" + issuer.issuer() + "/jwks\"");

        String token = issuer.user("acme", "ada", "Ada");
        String payload = new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]));
        assertThat(payload).contains("\"tenant_id\":\"acme\"", "\"sub\":\"ada\"", "\"name\":\"Ada\"");

        HttpResponse<String> dev = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + issuer.port() + "/dev/token"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"tenant\":\"acme\",\"app\":\"marketing\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(dev.statusCode()).isEqualTo(200);
        assertThat(dev.body()).contains("\"token_type\":\"Bearer\"");
        String appPayload = new String(Base64.getUrlDecoder().decode(
                dev.body().replaceAll(".*\"access_token\":\"([^\"]+)\".*", "$1").split("\\.")[1]));
        assertThat(appPayload).contains("\"app_id\":\"marketing\"");
    }
}
