package dev.parley.helm;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** Renders the chart with the embedded Helm and parses every object with the fabric8 model. */
final class Chart {

    /** Kubernetes version the tests render for (the chart's kubeVersion floor is 1.30). */
    static final String KUBE_VERSION = "1.31.0";
    static final String RELEASE = "parley";
    static final String NAMESPACE = "parley";

    /** The five services: values key → (management port, HTTP port, has a database). */
    static final Map<String, int[]> COMPONENTS = Map.of(
            "gateway", new int[] {9080, 8080, 0},
            "presence", new int[] {9081, 8081, 0},
            "channel", new int[] {9082, 8082, 1},
            "rooms", new int[] {9083, 8083, 1},
            "sessions", new int[] {9084, 8084, 1});

    private static final Pattern DOC_SEPARATOR = Pattern.compile("(?m)^---\\s*$");
    static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private Chart() {
    }

    static Path root() {
        String root = System.getProperty("parley.root");
        Path p = root != null ? Path.of(root) : Path.of("..");
        return p.toAbsolutePath().normalize();
    }

    static Path chartDir() {
        return root().resolve("helm/parley");
    }

    static Path productionValues() {
        return chartDir().resolve("ci/production-values.yaml");
    }

    static String render(Path chart, String namespace, List<Path> valuesFiles, Map<String, Object> sets) {
        return render(chart, namespace, valuesFiles, sets, KUBE_VERSION);
    }

    static String render(Path chart, String namespace, List<Path> valuesFiles, Map<String, Object> sets,
                         String kubeVersion) {
        TemplateCommand t = new Helm(chart).template().withName(RELEASE).withKubeVersion(kubeVersion);
        if (namespace != null) {
            t = t.withNamespace(namespace);
        }
        for (Path f : valuesFiles) {
            t = t.withValuesFile(f);
        }
        for (Map.Entry<String, Object> e : sets.entrySet()) {
            t = t.set(e.getKey(), e.getValue());
        }
        return t.call();
    }

    static String render(List<Path> valuesFiles, Map<String, Object> sets) {
        return render(chartDir(), NAMESPACE, valuesFiles, sets);
    }

    static Rendered renderDefault() {
        return new Rendered(render(List.of(), Map.of()));
    }

    static Rendered renderProduction() {
        return new Rendered(render(List.of(productionValues()), Map.of()));
    }

    static Rendered renderWith(Map<String, Object> sets) {
        return new Rendered(render(List.of(), sets));
    }

    /** Splits multi-document YAML; drops empty documents and comment-only ones. */
    static List<String> documents(String yaml) {
        List<String> docs = new ArrayList<>();
        for (String doc : DOC_SEPARATOR.split(yaml)) {
            boolean content = doc.lines().anyMatch(l -> !l.isBlank() && !l.stripLeading().startsWith("#"));
            if (content) {
                docs.add(doc);
            }
        }
        return docs;
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** One rendering: the raw text and every object, typed where fabric8 knows the kind. */
    record Rendered(String yaml, List<HasMetadata> objects) {
        Rendered(String yaml) {
            this(yaml, parse(yaml));
        }

        private static List<HasMetadata> parse(String yaml) {
            List<HasMetadata> out = new ArrayList<>();
            for (String doc : documents(yaml)) {
                Object o = SERIALIZATION.unmarshal(doc);
                if (!(o instanceof HasMetadata h)) {
                    throw new AssertionError("not a Kubernetes object: " + doc);
                }
                out.add(h);
            }
            return out;
        }

        <T extends HasMetadata> List<T> all(Class<T> type) {
            return objects.stream().filter(type::isInstance).map(type::cast).toList();
        }

        List<HasMetadata> kind(String kind) {
            return objects.stream().filter(o -> kind.equals(o.getKind())).toList();
        }

        <T extends HasMetadata> Optional<T> named(Class<T> type, String name) {
            return all(type).stream().filter(o -> name.equals(o.getMetadata().getName())).findFirst();
        }
    }
}
