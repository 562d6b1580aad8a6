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

    /** Issue 23 item 19: bidi overrides, embeddings, isolates, marks and separators are stripped from upload names. */
    @Test
    void fileNamesLoseBidiAndControlCharacters() {
        assertThat(FileNames.clean("invoice\u202Efdp.exe")).isEqualTo("invoicefdp.exe");
        assertThat(FileNames.clean("\u2067a\u2069\u202Ab\u202C\u200Ec\u200Fd\u061Ce")).isEqualTo("abcde");
        assertThat(FileNames.clean("line\u2028break\u2029.txt")).isEqualTo("linebreak.txt");
        assertThat(FileNames.clean("tab\there\u0000\u007F\u009B.txt")).isEqualTo("tabhere.txt");
        assertThat(FileNames.clean("\u202E")).isEqualTo("file");
        // letters of right-to-left scripts and emoji sequences (with their zero-width joiner) are kept
        assertThat(FileNames.clean("\u05E9\u05DC\u05D5\u05DD.pdf")).isEqualTo("\u05E9\u05DC\u05D5\u05DD.pdf");
        assertThat(FileNames.clean("\uD83D\uDC69\u200D\uD83D\uDCBB.png")).isEqualTo("\uD83D\uDC69\u200D\uD83D\uDCBB.png");
    }

    /**
     * Issue 23 item 17: the upload's idempotency hash is taken over a canonical form, so it does not depend on the
     * iteration order of the map (salted per JVM for {@code Map.of}): the same request hashes the same on every replica.
     */
    @Test
    void canonicalFormIsIndependentOfMapOrder() {
        java.util.Map<String, Object> one = new java.util.LinkedHashMap<>();
        one.put("name", "a.txt");
        one.put("size", 3L);
        one.put("sha256", "ab");
        one.put("nested", java.util.Map.of("z", 1, "a", 2));
        java.util.Map<String, Object> other = new java.util.LinkedHashMap<>();
        other.put("nested", new java.util.LinkedHashMap<>(java.util.Map.of("a", 2, "z", 1)));
        other.put("sha256", "ab");
        other.put("size", 3L);
        other.put("name", "a.txt");
        // the raw maps serialize differently: what a hash of Map.of on two JVMs did
        assertThat(dev.parley.events.Json.string(one)).isNotEqualTo(dev.parley.events.Json.string(other));
        assertThat(dev.parley.events.Json.string(Canonical.sorted(one)))
                .isEqualTo(dev.parley.events.Json.string(Canonical.sorted(other)))
                .isEqualTo("{\"name\":\"a.txt\",\"nested\":{\"a\":2,\"z\":1},\"sha256\":\"ab\",\"size\":3}");
        // and every order of the three upload fields gives the one form
        List<List<String>> orders = List.of(List.of("name", "size", "sha256"), List.of("sha256", "name", "size"),
                List.of("size", "sha256", "name"), List.of("sha256", "size", "name"));
        java.util.Set<String> forms = new java.util.HashSet<>();
        for (List<String> order : orders) {
            java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
            order.forEach(k -> m.put(k, k.equals("size") ? (Object) 3L : k));
            forms.add(dev.parley.events.Json.string(Canonical.sorted(m)));
        }
        assertThat(forms).hasSize(1);
    }
}
