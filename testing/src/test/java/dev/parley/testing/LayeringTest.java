package dev.parley.testing;

import dev.parley.testing.layering.sample.domain.Rule;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The layering rule accepts the house shape and rejects a domain class that reaches into a REST layer. */
class LayeringTest {

    @Test
    void acceptsTheHouseShape() {
        assertThatCode(() -> Layering.check("dev.parley.testing.layering.sample", true)).doesNotThrowAnyException();
        Rule.class.getName();
    }

    @Test
    void rejectsADomainThatDependsOnRest() {
        assertThatThrownBy(() -> Layering.check("dev.parley.testing.layering.broken", true))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("broken.domain");
    }
}
