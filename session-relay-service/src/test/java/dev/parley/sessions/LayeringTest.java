package dev.parley.sessions;

import dev.parley.testing.Layering;
import org.junit.jupiter.api.Test;

/** rest → service → domain ← repository, and a plain-Java domain (STYLE.md), checked by ArchUnit. */
class LayeringTest {

    @Test
    void layersAreRespected() {
        Layering.check("dev.parley.sessions");
    }
}
