package dev.parley.helm;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * k8s/base/parley.yaml is the chart rendered with default values (release "parley"). This test fails when they
 * drift; regenerate with {@code ./mvnw -B -q -pl helm verify -Dhelm.regenerate=true -Dtest=K8sBaseDriftTest}.
 */
class K8sBaseDriftTest {

    static final String HEADER = """
            # GENERATED from helm/parley with default values (release "parley") — do not edit.
            # Regenerate: ./mvnw -B -q -pl helm verify -Dhelm.regenerate=true -Dtest=K8sBaseDriftTest
            # Checked for drift by helm/src/test/java/dev/parley/helm/K8sBaseDriftTest.java.
            """;

    static String expected() {
        String rendered = Chart.render(Chart.chartDir(), null, List.of(), Map.of());
        StringBuilder out = new StringBuilder(HEADER);
        for (String doc : Chart.documents(rendered)) {
            out.append("---\n").append(doc.strip()).append('\n');
        }
        return out.toString();
    }

    @Test
    void baseIsTheChartRenderedWithDefaults() throws IOException {
        Path base = Chart.root().resolve("k8s/base/parley.yaml");
        String expected = expected();
        if (Boolean.getBoolean("helm.regenerate")) {
            Files.createDirectories(base.getParent());
            Files.writeString(base, expected);
        }
        assertThat(base).as("k8s/base/parley.yaml (regenerate: -Dhelm.regenerate=true)").exists();
        assertThat(Files.readString(base))
                .as("k8s/base/parley.yaml drifted from the chart; regenerate with "
                        + "./mvnw -B -q -pl helm verify -Dhelm.regenerate=true -Dtest=K8sBaseDriftTest")
                .isEqualTo(expected);
        String kustomization = Files.readString(Chart.root().resolve("k8s/base/kustomization.yaml"));
        assertThat(kustomization).contains("parley.yaml");
    }

    /** The production overlay's properties files set exactly the keys the chart renders for SASL_SSL + TLS. */
    @Test
    void productionOverlayConfigHasTheChartsKeys() {
        Chart.Rendered chart = Chart.renderWith(Map.of("kafka.securityProtocol", "SASL_SSL",
                "kafka.sasl.existingSecret", "parley", "kafka.tls.caSecret", "parley-cluster-ca-cert",
                "postgresql.sslMode", "require", "gateway.allowedOrigins[0]", "https://app.example.com"));
        for (String component : Chart.COMPONENTS.keySet()) {
            String rendered = chart.named(io.fabric8.kubernetes.api.model.ConfigMap.class,
                    "parley-" + component + "-config").orElseThrow().getData().get("application.properties");
            String overlay = Chart.read(Chart.root().resolve("k8s/overlays/production/config/" + component + ".properties"));
            assertThat(keys(overlay)).as("keys of k8s/overlays/production/config/%s.properties", component)
                    .isEqualTo(keys(rendered));
        }
    }

    private static java.util.Set<String> keys(String properties) {
        return properties.lines().filter(l -> !l.isBlank() && !l.startsWith("#"))
                .map(l -> l.substring(0, l.indexOf('='))).collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new));
    }
}
