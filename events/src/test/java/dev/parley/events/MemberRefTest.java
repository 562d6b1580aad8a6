package dev.parley.events;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class MemberRefTest {

    @Test
    void humansAndAgents() {
        MemberRef ada = MemberRef.parse("user:ada");
        assertThat(ada.isUser()).isTrue();
        assertThat(ada.kind()).isEqualTo("user");
        MemberRef cmo = MemberRef.parse("marketing:cmo");
        assertThat(cmo.isAgent()).isTrue();
        assertThat(cmo.app()).isEqualTo("marketing");
        assertThat(cmo.value()).isEqualTo("marketing:cmo");
        assertThat(MemberRef.parse("user:3f1c2a9e-0000-4000-8000-000000000001").id())
                .isEqualTo("3f1c2a9e-0000-4000-8000-000000000001");
        assertThat(MemberRef.isValid("marketing:content_drafter")).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "ada", ":ada", "user:", "Marketing:cmo", "marketing:CMO", "marketing:-x",
            "app:a123456789012345678901234567890123456789012345678901234567890123",
            "user:a b", "user:a/b"})
    void invalidRefs(String ref) {
        assertThat(MemberRef.isValid(ref)).as(ref).isFalse();
    }
}
