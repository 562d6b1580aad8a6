package dev.parley.testing;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class EmbeddedKafkaTest {

    /** Ids starting with '-' are taken for options by the format tool: none is ever derived, and each is stable. */
    @Test
    void clusterIdsNeverStartWithADashAndAreStablePerDirectory() {
        for (int i = 0; i < 2000; i++) {
            Path dir = Path.of("/tmp/parley-kafka-" + i);
            String id = EmbeddedKafka.clusterIdFor(dir);
            assertThat(id).doesNotStartWith("-").hasSize(22);
            assertThat(EmbeddedKafka.clusterIdFor(dir)).isEqualTo(id);
        }
    }
}
