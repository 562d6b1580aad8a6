package dev.parley.rooms.domain;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.platform.problem.ProblemException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RoomRulesTest {

    static void assertProblem(Runnable r, int status, String code) {
        assertThatThrownBy(r::run).isInstanceOfSatisfying(ProblemException.class, e -> {
            assertThat(e.problem().status()).isEqualTo(status);
            assertThat(e.problem().code()).isEqualTo(code);
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"x-follower-push", "a", "0", "a_b-c", "payments-incident"})
    void validNames(String name) {
        assertThat(RoomRules.name(name)).isEqualTo(name);
    }

    @Test
    void eightyCharactersIsTheLongestName() {
        assertThat(RoomRules.name("a".repeat(80))).hasSize(80);
        assertProblem(() -> RoomRules.name("a".repeat(81)), 400, "request.invalid");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-x", "_x", "X", "x y", "x.y", "#x", "é", "x/y"})
    void invalidNames(String name) {
        assertProblem(() -> RoomRules.name(name), 400, "request.invalid");
    }

    @Test
    void initialMembersStartWithTheCreatorAndAreDeduplicated() {
        assertThat(RoomRules.initialMembers("user:ada", Arrays.asList("marketing:cmo", "user:ada", "marketing:cmo")))
                .containsExactly("user:ada", "marketing:cmo");
        assertThat(RoomRules.initialMembers("user:ada", null)).containsExactly("user:ada");
        assertProblem(() -> RoomRules.initialMembers("user:ada", List.of("nobody")), 400, "request.invalid");
    }

    @Test
    void memberLimit() {
        RoomRules.checkMemberCount(50, 50);
        assertProblem(() -> RoomRules.checkMemberCount(51, 50), 422, "room.member_limit");
    }

    @Test
    void contentLengthCountsCodePoints() {
        assertThat(RoomRules.content("x".repeat(20_000), 20_000)).hasSize(20_000);
        assertProblem(() -> RoomRules.content("x".repeat(20_001), 20_000), 422, "message.too_long");
        String emoji = "😀".repeat(20_000); // 40,000 UTF-16 units, 20,000 code points
        assertThat(RoomRules.content(emoji, 20_000)).isSameAs(emoji);
        assertProblem(() -> RoomRules.content(null, 20_000), 400, "request.invalid");
        assertProblem(() -> RoomRules.content(" \n ", 20_000), 422, "message.empty");
    }

    @Test
    void metadataMustBeASmallObject() {
        ObjectNode small = JsonNodeFactory.instance.objectNode().put("k", "v");
        assertThat(RoomRules.metadata(small, 8192)).isSameAs(small);
        assertThat(RoomRules.metadata(null, 8192)).isNull();
        assertThat(RoomRules.metadata(JsonNodeFactory.instance.nullNode(), 8192)).isNull();
        ObjectNode exact = JsonNodeFactory.instance.objectNode().put("k", "v".repeat(8192 - 8)); // {"k":"..."}
        assertThat(RoomRules.metadata(exact, 8192)).isSameAs(exact);
        ObjectNode over = JsonNodeFactory.instance.objectNode().put("k", "v".repeat(8192 - 7));
        assertProblem(() -> RoomRules.metadata(over, 8192), 422, "message.metadata_too_large");
        assertProblem(() -> RoomRules.metadata(JsonNodeFactory.instance.arrayNode(), 8192), 400, "request.invalid");
        assertProblem(() -> RoomRules.metadata(JsonNodeFactory.instance.textNode("x"), 8192), 400, "request.invalid");
    }

    @Test
    void refsAndSlugs() {
        assertThat(RoomRules.ref("marketing:cmo")).isEqualTo("marketing:cmo");
        assertProblem(() -> RoomRules.ref("Marketing:cmo"), 400, "request.invalid");
        assertProblem(() -> RoomRules.ref(null), 400, "request.invalid");
        assertThat(RoomRules.agentSlug("cmo")).isEqualTo("cmo");
        assertProblem(() -> RoomRules.agentSlug("CMO"), 400, "request.invalid");
    }

    @Test
    void uuidV7IsTimeOrderedAndVersion7() {
        var a = UuidV7.next();
        var b = UuidV7.next();
        assertThat(a.version()).isEqualTo(7);
        assertThat(a.variant()).isEqualTo(2);
        assertThat(a.toString().compareTo(b.toString())).isNegative();
    }
}
