package dev.parley.helm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** One alert per file, one rule per alert, and every alert has its runbook (and every runbook an alert). */
class AlertRunbookTest {

    @Test
    void everyAlertHasARunbookAndEveryRunbookAnAlert() throws IOException {
        Set<String> files;
        try (Stream<Path> s = Files.list(Chart.chartDir().resolve("alerts"))) {
            files = s.map(p -> p.getFileName().toString().replace(".yaml", "")).collect(Collectors.toCollection(TreeSet::new));
        }
        Chart.Rendered production = Chart.renderProduction();
        JsonNode rules = new ObjectMapper().valueToTree(Chart.SERIALIZATION.convertValue(
                production.kind("PrometheusRule").getFirst(), Map.class)).path("spec").path("groups").path(0).path("rules");
        Set<String> alerts = new TreeSet<>();
        Path runbooks = Chart.root().resolve("docs/runbooks");
        String index = Chart.read(runbooks.resolve("README.md"));
        for (JsonNode rule : rules) {
            String alert = rule.path("alert").asText();
            assertThat(alerts.add(alert)).as("alert %s defined once", alert).isTrue();
            assertThat(rule.path("labels").path("severity").asText()).isIn("warning", "critical");
            assertThat(rule.path("for").asText()).isNotBlank();
            assertThat(rule.path("annotations").path("summary").asText()).isNotBlank();
            assertThat(rule.path("annotations").path("runbook_url").asText()).endsWith("/docs/runbooks/" + alert + ".md");
            assertThat(runbooks.resolve(alert + ".md")).as("runbook of %s", alert).exists();
            assertThat(Chart.read(runbooks.resolve(alert + ".md"))).startsWith("# " + alert);
            assertThat(index).as("docs/runbooks/README.md lists %s", alert).contains("[" + alert + ".md]");
        }
        assertThat(alerts).as("one alert per file in helm/parley/alerts").isEqualTo(files);
        try (Stream<Path> s = Files.list(runbooks)) {
            Set<String> pages = s.map(p -> p.getFileName().toString()).filter(n -> !n.equals("README.md"))
                    .map(n -> n.replace(".md", "")).collect(Collectors.toCollection(TreeSet::new));
            assertThat(pages).as("runbooks without an alert").isEqualTo(alerts);
        }
    }
}
