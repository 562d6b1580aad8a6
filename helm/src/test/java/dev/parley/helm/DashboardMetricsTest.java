package dev.parley.helm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Every dashboard panel, alert and autoscaling metric names a series the services really export (their
 * {@code *Metrics} constants classes) or a standard one. A name that is missing fails with the list of missing names,
 * where they are used, and what the catalog knows.
 */
class DashboardMetricsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void metricNameExtractionFindsSeriesNotFunctionsLabelsOrVariables() {
        assertThat(MetricCatalog.metricNames("histogram_quantile(0.99, sum by (le) (rate("
                + "parley_gateway_fanout_latency_seconds_bucket{namespace=\"$namespace\"}[$__rate_interval])))"))
                .containsExactly("parley_gateway_fanout_latency_seconds_bucket");
        assertThat(MetricCatalog.metricNames("sum by (job) (a_total{x=\"y\"}) / on (job) b > 0.5 and c offset 5m"))
                .containsExactly("a_total", "b", "c");
        assertThat(MetricCatalog.metricNames("label_values(up{job=~\".+-gateway\"}, namespace)")).containsExactly("up");
        assertThat(MetricCatalog.seriesOf("parley_x", "Counter: things")).containsExactly("parley_x_total");
        assertThat(MetricCatalog.seriesOf("parley_t", "Timer: time")).contains("parley_t_seconds_count");
    }

    @Test
    void catalogReadsTheServicesConstants() {
        MetricCatalog catalog = MetricCatalog.load(Chart.root());
        assertThat(catalog.sources).anyMatch(p -> p.endsWith("PlatformMetrics.java"));
        assertThat(catalog.series).containsKey("parley_stream_log_published_total");
        assertThat(catalog.exports("parley_stream_log_relay_lag_seconds_count")).isTrue();
        assertThat(catalog.exports("parley_stream_log_published")).as("a counter without _total").isFalse();
        assertThat(catalog.exports("parley_no_such_metric_total")).isFalse();
    }

    @Test
    void everyDashboardAlertAndAutoscalingQueryNamesAnExportedMetric() throws IOException {
        MetricCatalog catalog = MetricCatalog.load(Chart.root());
        Map<String, Set<String>> usedBy = new TreeMap<>();   // metric → where

        List<Path> dashboards;
        try (Stream<Path> s = Files.list(Chart.chartDir().resolve("dashboards"))) {
            dashboards = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        assertThat(dashboards).as("dashboards shipped").hasSizeGreaterThanOrEqualTo(5);
        int panels = 0;
        for (Path file : dashboards) {
            JsonNode d = JSON.readTree(file.toFile());
            for (JsonNode panel : d.path("panels")) {
                panels++;
                assertThat(panel.path("targets").size()).as("%s panel '%s' has queries", file.getFileName(),
                        panel.path("title").asText()).isPositive();
                for (JsonNode t : panel.path("targets")) {
                    String expr = t.path("expr").asText();
                    assertThat(expr).as("%s panel '%s'", file.getFileName(), panel.path("title").asText()).isNotBlank();
                    use(usedBy, expr, file.getFileName() + " / " + panel.path("title").asText());
                }
            }
            for (JsonNode var : d.path("templating").path("list")) {
                JsonNode q = var.path("query");
                String query = q.isObject() ? q.path("query").asText() : q.asText();
                if ("query".equals(var.path("type").asText())) {
                    use(usedBy, query, file.getFileName() + " / variable " + var.path("name").asText());
                }
            }
        }
        assertThat(panels).isGreaterThan(20);

        Chart.Rendered production = Chart.renderProduction();
        HasMetadata rule = production.kind("PrometheusRule").getFirst();
        JsonNode rules = JSON.valueToTree(Chart.SERIALIZATION.convertValue(rule, Map.class))
                .path("spec").path("groups").path(0).path("rules");
        assertThat(rules.size()).isPositive();
        for (JsonNode r : rules) {
            use(usedBy, r.path("expr").asText(), "alert " + r.path("alert").asText());
        }
        production.named(HorizontalPodAutoscaler.class, "parley-gateway").orElseThrow().getSpec().getMetrics().stream()
                .filter(m -> m.getPods() != null)
                .forEach(m -> usedBy.computeIfAbsent(m.getPods().getMetric().getName(), k -> new TreeSet<>())
                        .add("gateway HPA (custom metrics API)"));

        List<String> missing = new ArrayList<>();
        usedBy.forEach((metric, where) -> {
            if (!catalog.exports(metric)) {
                missing.add("  " + metric + "  ← " + where);
            }
        });
        if (!missing.isEmpty()) {
            fail("Dashboards/alerts name " + missing.size() + " metric(s) no service exports yet:\n"
                    + String.join("\n", missing) + "\nKnown from " + catalog.sources.size()
                    + " *Metrics.java files: " + catalog.series.keySet()
                    + "\n(plus " + MetricCatalog.STANDARD + " and prefixes " + MetricCatalog.STANDARD_PREFIXES + ")");
        }
    }

    private static void use(Map<String, Set<String>> usedBy, String expr, String where) {
        Set<String> names = MetricCatalog.metricNames(expr);
        assertThat(names).as("%s selects a metric: %s", where, expr).isNotEmpty();
        names.forEach(m -> usedBy.computeIfAbsent(m, k -> new TreeSet<>()).add(where));
    }
}
