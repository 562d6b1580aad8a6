package dev.parley.helm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The Prometheus series the services really export, read from the meter-name constants classes
 * ({@code dev.parley.<ctx>.metrics.*Metrics} and {@code PlatformMetrics}) in the modules' sources, plus the standard
 * series of Quarkus/Micrometer, Prometheus itself and the Strimzi Kafka Exporter.
 *
 * <p>Micrometer's Prometheus naming: dots become underscores; a counter gets {@code _total}; a timer
 * {@code _seconds_count|_sum|_max} (and {@code _seconds_bucket} when it publishes a histogram); a distribution
 * summary {@code _count|_sum|_max|_bucket}; a gauge keeps its name. The meter type is read from the constant's
 * javadoc ("Counter: ...", "Timer ...", "Gauge: ..."); when the javadoc does not say, every suffix is accepted.
 */
final class MetricCatalog {

    /** Series every Quarkus service (Micrometer binders), Prometheus or the Strimzi Kafka Exporter provides. */
    static final Set<String> STANDARD = Set.of(
            "up",
            // quarkus-micrometer HTTP server binder (Timer http.server.requests)
            "http_server_requests_seconds_count", "http_server_requests_seconds_sum", "http_server_requests_seconds_max",
            "http_server_active_requests",
            // Strimzi Kafka Exporter (enabled in k8s/platform/kafka.yaml): lag per consumer group and partition
            "kafka_consumergroup_lag", "kafka_consumergroup_current_offset", "kafka_topic_partition_current_offset");

    /** Prefixes of the JVM/process/system binders Quarkus registers by default. */
    static final List<String> STANDARD_PREFIXES = List.of("jvm_", "process_", "system_");

    private static final Pattern CONSTANT = Pattern.compile(
            "(/\\*\\*(?<doc>(?:(?!\\*/).)*?)\\*/\\s*)?public\\s+static\\s+final\\s+String\\s+(?<field>\\w+)\\s*=\\s*\"(?<name>[^\"]+)\"",
            Pattern.DOTALL);

    /** series name → "Class.FIELD" it comes from. */
    final TreeMap<String, String> series = new TreeMap<>();
    final List<Path> sources = new ArrayList<>();

    static MetricCatalog load(Path root) {
        MetricCatalog c = new MetricCatalog();
        try (Stream<Path> walk = Files.walk(root, 12)) {
            walk.filter(p -> p.getFileName().toString().endsWith("Metrics.java"))
                    .filter(p -> p.toString().contains("/src/main/java/") && p.getParent().endsWith("metrics"))
                    .sorted()
                    .forEach(c::read);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return c;
    }

    private void read(Path file) {
        sources.add(file);
        String cls = file.getFileName().toString().replace(".java", "");
        Matcher m = CONSTANT.matcher(Chart.read(file));
        while (m.find()) {
            String doc = m.group("doc") == null ? "" : m.group("doc").replaceAll("\\s*\\*\\s*", " ").strip();
            String base = m.group("name").replace('.', '_').replace('-', '_');
            String origin = cls + "." + m.group("field");
            for (String s : seriesOf(base, doc)) {
                series.putIfAbsent(s, origin);
            }
        }
    }

    static List<String> seriesOf(String base, String doc) {
        String type = doc.toLowerCase();
        if (type.startsWith("counter")) {
            return List.of(base + "_total");
        }
        if (type.startsWith("long task timer")) {
            return List.of(base + "_seconds_active_count", base + "_seconds_duration_sum", base + "_seconds_max");
        }
        if (type.startsWith("timer")) {
            return List.of(base + "_seconds_count", base + "_seconds_sum", base + "_seconds_max", base + "_seconds_bucket");
        }
        if (type.startsWith("distribution summary") || type.startsWith("summary")) {
            return List.of(base + "_count", base + "_sum", base + "_max", base + "_bucket");
        }
        if (type.startsWith("gauge")) {
            return List.of(base);
        }
        return List.of(base, base + "_total", base + "_seconds_count", base + "_seconds_sum", base + "_seconds_max",
                base + "_seconds_bucket", base + "_count", base + "_sum", base + "_max", base + "_bucket");
    }

    boolean exports(String name) {
        return STANDARD.contains(name) || STANDARD_PREFIXES.stream().anyMatch(name::startsWith)
                || series.containsKey(name);
    }

    // ---- PromQL: the metric names an expression selects ----

    private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
            "bool", "and", "or", "unless", "offset", "inf", "nan");
    private static final Pattern IDENT = Pattern.compile("(?<![\\w$.])([a-zA-Z_:][a-zA-Z0-9_:]*)(\\s*\\()?");

    static Set<String> metricNames(String expr) {
        String e = expr;
        Matcher lv = Pattern.compile("label_values\\(\\s*([a-zA-Z_:][\\w:]*)?\\s*(\\{[^}]*})?\\s*,[^)]*\\)").matcher(e);
        e = lv.replaceAll(r -> r.group(1) == null ? " " : " " + r.group(1) + " ");
        e = e.replaceAll("\\{[^}]*}", " ");                     // label matchers
        e = e.replaceAll("\\[[^]]*]", " ");                     // range / subquery selectors
        e = e.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", " ");      // string literals
        e = e.replaceAll("(?i)\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
        e = e.replaceAll("\\b\\d+(\\.\\d+)?([eE][+-]?\\d+)?[smhdwy]?\\b", " ");
        Set<String> names = new TreeSet<>();
        Matcher m = IDENT.matcher(e);
        while (m.find()) {
            if (m.group(2) == null && !KEYWORDS.contains(m.group(1).toLowerCase())) {
                names.add(m.group(1));
            }
        }
        return names;
    }
}
