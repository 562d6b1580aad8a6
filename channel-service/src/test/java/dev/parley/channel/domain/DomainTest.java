package dev.parley.channel.domain;

import dev.parley.platform.problem.ProblemException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Plain unit tests of the channel's rules. */
class DomainTest {

    final MessageRules rules = new MessageRules(10, 4, 3);

    static String code(Runnable r) {
        try {
            r.run();
            return null;
        } catch (ProblemException e) {
            return e.problem().status() + " " + e.problem().code();
        }
    }

    @Test
    void bodyRules() {
        assertThat(code(() -> rules.checkBody("a".repeat(10)))).isNull();
        assertThat(code(() -> rules.checkBody("😀".repeat(10)))).isNull();
        assertThat(code(() -> rules.checkBody("😀".repeat(11)))).isEqualTo("422 message.too_long");
        assertThat(code(() -> rules.checkBody(" "))).isEqualTo("422 message.empty");
        assertThat(code(() -> rules.checkBody(null))).isEqualTo("400 request.invalid");
    }

    @Test
    void attachmentRules() {
        List<String> four = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            four.add(UUID.randomUUID().toString());
        }
        assertThat(rules.checkAttachments(four)).hasSize(4);
        List<String> five = new ArrayList<>(four);
        five.add(UUID.randomUUID().toString());
        assertThat(code(() -> rules.checkAttachments(five))).isEqualTo("422 attachment.invalid");
        assertThat(code(() -> rules.checkAttachments(List.of(four.get(0), four.get(0)))))
                .isEqualTo("422 attachment.invalid");
        assertThat(code(() -> rules.checkAttachments(List.of("x")))).isEqualTo("422 attachment.invalid");
        assertThat(rules.checkAttachments(null)).isEmpty();
    }

    @Test
    void excerptCountsCodePoints() {
        assertThat(rules.excerpt("ab")).isEqualTo("ab");
        assertThat(rules.excerpt("😀😀😀😀")).isEqualTo("😀😀😀");
    }

    @Test
    void emojis() {
        for (String ok : List.of("👍", "👍🏽", "🇩🇪", "1️⃣", "👩‍💻", "❤️", "🏳️‍🌈", ":+1:", ":party_parrot:", ":a-b:")) {
            assertThat(Emoji.valid(ok)).as(ok).isTrue();
        }
        for (String bad : List.of("", "a", "1", "#", "abc", "👍👍", "x👍", ":Upper:", "::", ":" + "a".repeat(33) + ":",
                "é", "\u200d", " 👍")) {
            assertThat(Emoji.valid(bad)).as(bad).isFalse();
        }
        assertThat(Emoji.valid(null)).isFalse();
    }

    @Test
    void uuidV7IsTimeOrderedAndVersioned() {
        UUID previous = UuidV7.next();
        for (int i = 0; i < 10_000; i++) {
            UUID next = UuidV7.next();
            assertThat(next.version()).isEqualTo(7);
            assertThat(next.variant()).isEqualTo(2);
            assertThat(next.toString().compareTo(previous.toString())).isPositive();
            previous = next;
        }
        long now = System.currentTimeMillis();
        assertThat(UuidV7.millis(UuidV7.next())).isBetween(now - 1000, now + 1000);
    }

    @Test
    void fileNames() {
        assertThat(FileNames.clean("../../etc/passwd")).isEqualTo("passwd");
        assertThat(FileNames.clean("C:\\x\\report.pdf")).isEqualTo("report.pdf");
        assertThat(FileNames.clean(null)).isEqualTo("file");
        assertThat(FileNames.clean("a\"b\nc")).isEqualTo("abc");
        assertThat(FileNames.contentDisposition("résumé 1.pdf"))
                .isEqualTo("attachment; filename=\"r_sum_ 1.pdf\"; filename*=UTF-8''r%C3%A9sum%C3%A9%201.pdf");
    }
}
