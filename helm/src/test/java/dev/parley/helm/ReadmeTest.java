package dev.parley.helm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** README.md and values.schema.json stay in step with values.yaml. */
class ReadmeTest {

    static final List<String> COMPONENTS = List.of("gateway", "presence", "channel", "rooms", "sessions");

    @SuppressWarnings("unchecked")
    static Map<String, Object> values() {
        return (Map<String, Object>) new Yaml().load(Chart.read(Chart.chartDir().resolve("values.yaml")));
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyValuesKeyIsDocumented() {
        String readme = Chart.read(Chart.chartDir().resolve("README.md"));
        Map<String, Object> values = values();
        List<String> undocumented = new ArrayList<>();
        for (Map.Entry<String, Object> top : values.entrySet()) {
            String key = top.getKey();
            if (!readme.contains("`" + key + "`") && !readme.contains("`" + key + ".")) {
                undocumented.add(key);
            }
            if (COMPONENTS.contains(key)) {
                for (String sub : ((Map<String, Object>) top.getValue()).keySet()) {
                    if (!readme.contains("`<component>." + sub + "`") && !readme.contains("`" + key + "." + sub + "`")) {
                        undocumented.add(key + "." + sub);
                    }
                }
            } else if (top.getValue() instanceof Map<?, ?> nested && List.of("kafka", "postgresql", "oidc", "ingress",
                    "httpRoute", "monitoring", "networkPolicy", "tests").contains(key)) {
                for (Object sub : nested.keySet()) {
                    String path = key + "." + sub;
                    if (!readme.contains("`" + path)) {
                        undocumented.add(path);
                    }
                }
            }
        }
        assertThat(undocumented).as("values.yaml keys missing from helm/parley/README.md").isEmpty();
    }

    @Test
    void schemaCoversEveryTopLevelKeyAndRejectsUnknownOnes() throws Exception {
        JsonNode schema = new ObjectMapper().readTree(Chart.chartDir().resolve("values.schema.json").toFile());
        assertThat(schema.path("additionalProperties").asBoolean(true)).isFalse();
        for (String key : values().keySet()) {
            assertThat(schema.path("properties").has(key)).as("values.schema.json has %s", key).isTrue();
        }
        assertThatThrownBy(() -> Chart.renderWith(Map.of("channel.replica", 3))).hasMessageContaining("replica");
        assertThatThrownBy(() -> Chart.renderWith(Map.of("kafka.securityProtocol", "SASL_PLAIN")))
                .hasMessageContaining("securityProtocol");
    }
}
