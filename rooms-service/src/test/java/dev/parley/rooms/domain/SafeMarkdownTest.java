package dev.parley.rooms.domain;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Markdown renders to a small, safe HTML subset; every payload of the XSS corpus renders inert. */
public class SafeMarkdownTest {

    static final SafeMarkdown MARKDOWN = new SafeMarkdown();
    static final Pattern TAG = Pattern.compile("<([a-zA-Z][a-zA-Z0-9]*)([^>]*)>");
    static final Pattern ATTRIBUTE = Pattern.compile("([a-zA-Z_:][-a-zA-Z0-9_:.]*)\\s*=\\s*\"([^\"]*)\"");
    static final List<String> ALLOWED_TAGS = List.of("p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
            "pre", "code", "em", "strong", "del", "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th",
            "td");
    static final List<String> ALLOWED_ATTRIBUTES = List.of("href", "title", "rel", "src", "alt", "start", "align",
            "class");

    public static List<String> corpus() throws IOException {
        try (InputStream in = SafeMarkdownTest.class.getResourceAsStream("/xss-corpus.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(line -> !line.isBlank() && !line.startsWith("#"))
                    .map(line -> line.replace("\\n", "\n"))
                    .toList();
        }
    }

    @Test
    void theCorpusHasAtLeastFiftyPayloads() throws IOException {
        assertThat(corpus()).hasSizeGreaterThanOrEqualTo(50);
    }

    @ParameterizedTest
    @MethodSource("corpus")
    void everyPayloadRendersInert(String payload) {
        assertInert(MARKDOWN.toHtml(payload));
    }

    /** The second layer alone also neutralises every payload taken as raw HTML (should layer one ever fail). */
    @ParameterizedTest
    @MethodSource("corpus")
    void theSanitizerAloneNeutralisesEveryPayloadAsHtml(String payload) {
        assertInert(SafeMarkdown.sanitize(payload));
    }

    public static void assertInert(String html) {
        String lower = html.toLowerCase(Locale.ROOT);
        assertThat(lower).doesNotContain("<script", "<iframe", "<svg", "<math", "<object", "<embed", "<style",
                "<link", "<meta", "<base", "<form", "<input", "<button", "<body", "<frameset", "<video", "<audio",
                "<details", "<marquee", "<template", "<xmp", "<noscript", "<div", "<isindex");
        Matcher tags = TAG.matcher(html);
        while (tags.find()) {
            String tag = tags.group(1).toLowerCase(Locale.ROOT);
            assertThat(ALLOWED_TAGS).as("tag <%s> in %s", tag, html).contains(tag);
            String attributes = tags.group(2);
            assertThat(attributes.toLowerCase(Locale.ROOT)).as("event handler in %s", html)
                    .doesNotContainPattern("(^|\\s)on[a-z]+\\s*=")
                    .doesNotContain("style=", "target=", "formaction", "srcdoc");
            Matcher attribute = ATTRIBUTE.matcher(attributes);
            while (attribute.find()) {
                String name = attribute.group(1).toLowerCase(Locale.ROOT);
                assertThat(ALLOWED_ATTRIBUTES).as("attribute %s in %s", name, html).contains(name);
                if (name.equals("href") || name.equals("src")) {
                    assertSafeUrl(attribute.group(2), html);
                }
            }
        }
    }

    static void assertSafeUrl(String encoded, String html) {
        String url = decodeEntities(encoded).replaceAll("[\\s\\x00-\\x1f]", "").toLowerCase(Locale.ROOT);
        assertThat(url).as("url in %s", html)
                .doesNotStartWith("javascript:").doesNotStartWith("data:").doesNotStartWith("vbscript:")
                .doesNotStartWith("file:");
        int colon = url.indexOf(':');
        int slash = url.indexOf('/');
        if (colon >= 0 && (slash < 0 || colon < slash)) {
            assertThat(url).as("scheme of %s", url).matches("(https?|mailto):.*");
        }
    }

    static String decodeEntities(String s) {
        Matcher m = Pattern.compile("&#(x?)([0-9a-fA-F]+);").matcher(s);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            int cp = Integer.parseInt(m.group(2), m.group(1).isEmpty() ? 10 : 16);
            m.appendReplacement(out, Matcher.quoteReplacement(new String(Character.toChars(cp))));
        }
        m.appendTail(out);
        return out.toString().replace("&amp;", "&").replace("&colon;", ":").replace("&lt;", "<").replace("&gt;", ">")
                .replace("&quot;", "\"").replace("&#39;", "'");
    }

    @Test
    void rawHtmlIsShownAsTextNotExecuted() {
        String html = MARKDOWN.toHtml("<script>alert(1)</script>");
        assertThat(html).contains("&lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain("<script");
    }

    @Test
    void linksKeepSafeUrlsAndGetNofollowNoopener() {
        String html = MARKDOWN.toHtml("[docs](https://example.com/a?b=1) and https://parley.dev");
        assertThat(html).contains("href=\"https://example.com/a?b&#61;1\"")
                .containsPattern("rel=\"(nofollow noopener|noopener nofollow)\"")
                .contains("href=\"https://parley.dev\"")
                .doesNotContain("target=");
    }

    @Test
    void dangerousLinksLoseTheirHrefButKeepTheirText() {
        String html = MARKDOWN.toHtml("[click me](javascript:alert(1))");
        assertThat(html).contains("click me").doesNotContain("javascript");
    }

    @Test
    void mailtoLinksAreKept() {
        assertThat(MARKDOWN.toHtml("[mail](mailto:ada@example.com)")).contains("href=\"mailto:ada&#64;example.com\"");
    }

    @Test
    void commonMarkdownRendersAsExpected() {
        assertThat(MARKDOWN.toHtml("# Title\n\n**bold** *em* ~~gone~~ `code`"))
                .contains("<h1>Title</h1>", "<strong>bold</strong>", "<em>em</em>", "<del>gone</del>",
                        "<code>code</code>");
        assertThat(MARKDOWN.toHtml("```java\nint x = 1 < 2;\n```"))
                .contains("<pre><code class=\"language-java\">int x &#61; 1 &lt; 2;\n</code></pre>");
        assertThat(MARKDOWN.toHtml("| a | b |\n| :- | -: |\n| 1 | 2 |"))
                .contains("<table>", "<th align=\"left\">a</th>", "<td align=\"right\">2</td>");
        assertThat(MARKDOWN.toHtml("3. three\n4. four")).contains("<ol start=\"3\">");
        assertThat(MARKDOWN.toHtml("> quoted")).contains("<blockquote>");
        assertThat(MARKDOWN.toHtml("![logo](https://example.com/l.png)"))
                .contains("<img src=\"https://example.com/l.png\" alt=\"logo\" />");
    }

    @Test
    void renderReturnsHtmlAndMentionsFromOneParse() {
        SafeMarkdown.Rendered rendered = MARKDOWN.render("@marketing:engagement bring `@marketing:cmo` replies");
        assertThat(rendered.mentions()).containsExactly("marketing:engagement");
        assertThat(rendered.html()).contains("&#64;marketing:engagement bring").contains("<code>&#64;marketing:cmo</code>");
    }
}
