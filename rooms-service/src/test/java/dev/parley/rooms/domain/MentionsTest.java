package dev.parley.rooms.domain;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class MentionsTest {

    static final SafeMarkdown MARKDOWN = new SafeMarkdown();

    static List<String> mentions(String markdown) {
        return Mentions.of(MARKDOWN.parse(markdown));
    }

    @Test
    void theSeedMessageMentionsEngagement() {
        assertThat(mentions("@marketing:engagement bring extra quality replies today"))
                .containsExactly("marketing:engagement");
    }

    @Test
    void usersAndAgentsInOrderOfAppearance() {
        assertThat(mentions("@user:anita and @marketing:cmo, then @user:0193f1c2-aaaa-7bbb-8ccc-000000000001"))
                .containsExactly("user:anita", "marketing:cmo", "user:0193f1c2-aaaa-7bbb-8ccc-000000000001");
    }

    @Test
    void duplicatesAreDroppedKeepingTheFirstPosition() {
        assertThat(mentions("@marketing:cmo @user:a @marketing:cmo @user:a @sales:ae"))
                .containsExactly("marketing:cmo", "user:a", "sales:ae");
    }

    @Test
    void orderIsByPositionAcrossKindsAndParagraphs() {
        assertThat(mentions("first @sales:ae\n\n- item @user:bob\n- item @marketing:cmo\n\n> quote @user:zed"))
                .containsExactly("sales:ae", "user:bob", "marketing:cmo", "user:zed");
    }

    @Test
    void noMentionsIsEmpty() {
        assertThat(mentions("just a broadcast, no one in particular")).isEmpty();
        assertThat(mentions("")).isEmpty();
    }

    @Test
    void mentionsInCodeSpansDoNotCount() {
        assertThat(mentions("use `@marketing:cmo` literally, but ping @marketing:engagement"))
                .containsExactly("marketing:engagement");
        assertThat(mentions("``double `@user:x` ticks``")).isEmpty();
    }

    @Test
    void mentionsInFencedCodeBlocksDoNotCount() {
        assertThat(mentions("```\n@marketing:cmo\n```\nafter @user:ada")).containsExactly("user:ada");
        assertThat(mentions("~~~python\n# @user:bob\n~~~")).isEmpty();
    }

    @Test
    void mentionsInIndentedCodeBlocksDoNotCount() {
        assertThat(mentions("text\n\n    @marketing:cmo in code\n\nafter @sales:ae")).containsExactly("sales:ae");
    }

    @Test
    void mentionsInRawHtmlAndLinkDestinationsDoNotCount() {
        assertThat(mentions("<span data-x=\"@user:hidden\">x</span>")).isEmpty();
        assertThat(mentions("[see](https://example.com/@user:hidden)")).isEmpty();
    }

    @Test
    void mentionsInLinkTextEmphasisAndTablesCount() {
        assertThat(mentions("[@marketing:cmo](https://example.com) **@user:ada** ~~@sales:ae~~"))
                .containsExactly("marketing:cmo", "user:ada", "sales:ae");
        assertThat(mentions("| who |\n| --- |\n| @marketing:cmo |")).containsExactly("marketing:cmo");
    }

    @Test
    void trailingPunctuationEndsAUserMention() {
        assertThat(mentions("thanks @user:anita, and @user:bob. Also (@user:carl) and @user:dee!"))
                .containsExactly("user:anita", "user:bob", "user:carl", "user:dee");
    }

    @Test
    void agentMentionsEndAtTheSlug() {
        assertThat(mentions("@marketing:content_drafter's draft, @marketing:x-monitor.")).containsExactly(
                "marketing:content_drafter", "marketing:x-monitor");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "@engagement bring replies",          // slug alone is not a ref
            "skip @karpathy this week",           // an X handle
            "mail bob@marketing:cmo",             // part of a word (an address)
            "@Marketing:CMO",                     // refs are lowercase
            "@marketing:",                        // no slug
            "@:cmo",                              // no app
            "@user:",                             // no sub
            "@user:a/b",                          // '/' is not allowed in a sub
            "@-bad:cmo",                          // app must start with a letter or digit
            "@marketing:cmo_x_very_long_slug_that_goes_on_and_on_beyond_sixty_three_characters_total",
            "@@marketing:cmo",                    // after another @
            "\\@marketing:cmo is escaped? no: the backslash leaves '@' text preceded by nothing"
    })
    void notMentions(String text) {
        if (text.startsWith("\\@")) {
            // an escaped '@' is still an '@' in the text; CommonMark drops the backslash — it is a mention
            assertThat(mentions(text)).containsExactly("marketing:cmo");
        } else {
            assertThat(mentions(text)).isEmpty();
        }
    }

    @Test
    void mentionsAtStartEndAndAfterPunctuation() {
        assertThat(mentions("(@sales:ae)")).containsExactly("sales:ae");
        assertThat(mentions("hey,@sales:ae")).containsExactly("sales:ae");
        assertThat(mentions("end @sales:ae")).containsExactly("sales:ae");
    }

    @Test
    void userSubsMayHoldPunctuationInside() {
        assertThat(mentions("@user:auth0|abc.def-1 ok")).containsExactly("user:auth0|abc.def-1");
    }

    @Test
    void manyDistinctMentionsAreAllExtracted() {
        String text = IntStream.rangeClosed(1, 30).mapToObj(i -> "@app:agent" + i).collect(Collectors.joining(" "));
        assertThat(mentions(text)).hasSize(30).startsWith("app:agent1", "app:agent2").endsWith("app:agent30");
    }

    @Test
    void plainTextScanWorksWithoutMarkdown() {
        assertThat(Mentions.inText("`@user:x` @user:y")).containsExactly("user:x", "user:y");
    }
}
