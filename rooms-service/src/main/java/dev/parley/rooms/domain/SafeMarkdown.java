package dev.parley.rooms.domain;

import org.commonmark.Extension;
import org.commonmark.ext.autolink.AutolinkExtension;
import org.commonmark.ext.gfm.strikethrough.StrikethroughExtension;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.node.Node;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;
import org.owasp.html.HtmlPolicyBuilder;
import org.owasp.html.PolicyFactory;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Markdown to safe HTML, in two independent layers (defence in depth):
 * <ol>
 *   <li>CommonMark (+ GFM tables, strikethrough, autolinks) renders with raw HTML <em>escaped</em> (it shows as text)
 *       and link/image URLs sanitized by the renderer;</li>
 *   <li>the OWASP Java HTML Sanitizer then keeps only the elements markdown produces, only {@code http}, {@code https}
 *       and {@code mailto} URLs (so no {@code javascript:}, {@code data:}, {@code vbscript:}), no event handlers, no
 *       {@code style}, no {@code target}; every link gets {@code rel="nofollow noopener"}.</li>
 * </ol>
 * Images are kept for {@code http}/{@code https} sources only. Thread-safe; one instance per process is enough.
 */
public final class SafeMarkdown {

    private static final List<Extension> EXTENSIONS = List.of(TablesExtension.create(),
            StrikethroughExtension.create(), AutolinkExtension.create());

    private static final PolicyFactory POLICY = new HtmlPolicyBuilder()
            .allowElements("p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "code", "em",
                    "strong", "del", "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th", "td")
            .allowUrlProtocols("http", "https", "mailto")
            .allowAttributes("href", "title").onElements("a")
            .allowAttributes("src", "alt", "title").onElements("img")
            .allowAttributes("start").matching(Pattern.compile("[0-9]{1,9}")).onElements("ol")
            .allowAttributes("align").matching(Pattern.compile("left|center|right")).onElements("th", "td")
            .allowAttributes("class").matching(Pattern.compile("language-[A-Za-z0-9_+#.-]{1,40}")).onElements("code")
            .requireRelsOnLinks("nofollow", "noopener")
            .toFactory();

    private final Parser parser = Parser.builder().extensions(EXTENSIONS).build();
    private final HtmlRenderer renderer = HtmlRenderer.builder().extensions(EXTENSIONS)
            .escapeHtml(true).sanitizeUrls(true).build();

    /** A parsed message: its sanitized HTML and its mentions, from one parse. */
    public record Rendered(String html, List<String> mentions) {
    }

    public Node parse(String markdown) {
        return parser.parse(markdown);
    }

    public Rendered render(String markdown) {
        Node document = parse(markdown);
        return new Rendered(sanitize(renderer.render(document)), Mentions.of(document));
    }

    public String toHtml(String markdown) {
        return sanitize(renderer.render(parse(markdown)));
    }

    /** The second layer alone: any HTML in, only the allowed subset out. */
    public static String sanitize(String html) {
        return POLICY.sanitize(html);
    }
}
