package dev.parley.helm;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The `helm test` hook. The embedded Helm's template() leaves hooks out (like a release manifest), so the chart is
 * copied with the hook annotation removed and rendered again; the copy proves the hook pod is a valid, restricted
 * pod that checks every service's readiness on its management port.
 */
class HelmTestHookTest {

    @TempDir
    Path tmp;

    @Test
    void testHookChecksEveryServiceReadiness() throws IOException {
        Path copy = tmp.resolve("parley");
        try (Stream<Path> files = Files.walk(Chart.chartDir())) {
            for (Path f : files.toList()) {
                Path target = copy.resolve(Chart.chartDir().relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
        Path hook = copy.resolve("templates/tests/readiness.yaml");
        String original = Files.readString(hook);
        assertThat(original).contains("helm.sh/hook: test");
        Files.writeString(hook, original.replace("helm.sh/hook: test", "parley.dev/was-hook: test"));

        Chart.Rendered r = new Chart.Rendered(Chart.render(copy, Chart.NAMESPACE, List.of(), Map.of()));
        Pod pod = r.all(Pod.class).stream().filter(p -> p.getMetadata().getName().equals("parley-test-readiness"))
                .findFirst().orElseThrow();
        assertThat(pod.getSpec().getRestartPolicy()).isEqualTo("Never");
        assertThat(pod.getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
        Container c = pod.getSpec().getContainers().getFirst();
        assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(c.getImage()).doesNotEndWith(":latest");
        String script = String.join("\n", c.getArgs());
        Chart.COMPONENTS.forEach((component, ports) -> assertThat(script)
                .contains("http://parley-" + component + ":" + ports[0] + "/q/health/ready"));
        assertThat(script).contains("curl --fail");
        assertThat(UnknownFields.of(pod)).isEmpty();
    }
}
