package dev.parley.sessions.domain;

import org.junit.jupiter.api.Test;

import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class Sha256StateTest {

    private static String reference(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }

    @Test
    void emptyAndKnownVectors() throws Exception {
        assertThat(Sha256State.initial().hex())
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assertThat(Sha256State.initial().update("abc".getBytes()).hex())
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        byte[] million = "a".repeat(1_000_000).getBytes();
        assertThat(Sha256State.initial().update(million).hex()).isEqualTo(reference(million));
    }

    @Test
    void anySplitThroughSerializedStatesGivesTheDigestOfTheWhole() throws Exception {
        Random random = new Random(42);
        for (int round = 0; round < 200; round++) {
            byte[] data = new byte[random.nextInt(600)];
            random.nextBytes(data);
            Sha256State state = Sha256State.initial();
            int at = 0;
            while (at < data.length) {
                int n = Math.min(data.length - at, random.nextInt(130));
                // every append goes through storage, as the service does
                state = Sha256State.decode(state.encode()).update(data, at, n);
                at += n;
                byte[] prefix = java.util.Arrays.copyOf(data, at);
                assertThat(state.hex()).isEqualTo(reference(prefix));
                assertThat(state.length()).isEqualTo(at);
            }
            assertThat(state.hex()).isEqualTo(reference(data));
        }
    }
}
