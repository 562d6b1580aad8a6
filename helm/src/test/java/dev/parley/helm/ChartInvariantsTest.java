package dev.parley.helm;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The chart's invariants, for default values and for ci/production-values.yaml. */
class ChartInvariantsTest {

    private static final Set<String> LABELS = Set.of("helm.sh/chart", "app.kubernetes.io/name",
            "app.kubernetes.io/instance", "app.kubernetes.io/version", "app.kubernetes.io/managed-by",
            "app.kubernetes.io/part-of");

    static Chart.Rendered defaults;
    static Chart.Rendered production;

    @BeforeAll
    static void render() {
        defaults = Chart.renderDefault();
        production = Chart.renderProduction();
    }

    static Chart.Rendered rendering(String which) {
        return "production".equals(which) ? production : defaults;
    }

    @Test
    void lintIsCleanInStrictMode() {
        LintResult result = new Helm(Chart.chartDir()).lint().strict().call();
        assertThat(result.isFailed()).as("helm lint --strict: %s", result.getMessages()).isFalse();
        assertThat(result.getMessages()).as("lint messages")
                .noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"default", "production"})
    void everyObjectCarriesTheFullLabelSetAndNoUnknownFields(String which) {
        Chart.Rendered r = rendering(which);
        assertThat(r.objects()).isNotEmpty();
        for (HasMetadata o : r.objects()) {
            assertThat(o.getMetadata().getLabels()).as("labels of %s/%s", o.getKind(), o.getMetadata().getName())
                    .containsKeys(LABELS.toArray(String[]::new))
                    .containsEntry("app.kubernetes.io/part-of", "parley")
                    .containsEntry("app.kubernetes.io/instance", Chart.RELEASE);
            assertThat(UnknownFields.of(o)).as("fields the %s model does not know", o.getKind()).isEmpty();
        }
        assertThat(r.kind("Secret")).as("secrets are referenced (existingSecret), never rendered").isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"default", "production"})
    void oneDeploymentServiceHpaAndPdbPerService(String which) {
        Chart.Rendered r = rendering(which);
        assertThat(r.all(Deployment.class)).hasSize(5);
        for (String component : Chart.COMPONENTS.keySet()) {
            String name = "parley-" + component;
            Deployment d = r.named(Deployment.class, name).orElseThrow(() -> new AssertionError("no " + name));
            Map<String, String> selector = d.getSpec().getSelector().getMatchLabels();
            assertThat(selector).as("selector of %s", name)
                    .containsEntry("app.kubernetes.io/component", component)
                    .doesNotContainKeys("app.kubernetes.io/version", "helm.sh/chart");
            assertThat(d.getSpec().getTemplate().getMetadata().getLabels()).containsAllEntriesOf(selector)
                    .containsKeys(LABELS.toArray(String[]::new));

            HorizontalPodAutoscaler hpa = r.named(HorizontalPodAutoscaler.class, name).orElseThrow();
            assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo(name);
            assertThat(hpa.getSpec().getMinReplicas()).isGreaterThanOrEqualTo(2);
            assertThat(hpa.getSpec().getMaxReplicas()).isGreaterThanOrEqualTo(hpa.getSpec().getMinReplicas());
            assertThat(hpa.getSpec().getMetrics()).anyMatch(m -> m.getResource() != null
                    && "cpu".equals(m.getResource().getName()));

            PodDisruptionBudget pdb = r.named(PodDisruptionBudget.class, name).orElseThrow();
            assertThat(pdb.getSpec().getSelector().getMatchLabels()).isEqualTo(selector);

            Service svc = r.named(Service.class, name).orElseThrow();
            assertThat(svc.getSpec().getSelector()).isEqualTo(selector);
            int[] ports = Chart.COMPONENTS.get(component);
            assertThat(svc.getSpec().getPorts()).extracting(p -> p.getName() + ":" + p.getPort())
                    .containsExactlyInAnyOrder("http:" + ports[1], "management:" + ports[0]);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"default", "production"})
    void podsAreRestrictedProbedOnTheManagementPortAndSized(String which) {
        Chart.Rendered r = rendering(which);
        for (Deployment d : r.all(Deployment.class)) {
            String component = d.getMetadata().getLabels().get("app.kubernetes.io/component");
            int management = Chart.COMPONENTS.get(component)[0];
            PodSpec pod = d.getSpec().getTemplate().getSpec();
            assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
            assertThat(pod.getSecurityContext().getRunAsUser()).isPositive();
            assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
            assertThat(pod.getAutomountServiceAccountToken()).isFalse();
            assertThat(pod.getContainers()).hasSize(1);
            Container c = pod.getContainers().getFirst();

            assertThat(c.getImage()).as("image of %s", component)
                    .matches("[^:]+(:\\d+)?/[^:]+:[\\w][\\w.-]*").doesNotEndWith(":latest");
            assertThat(c.getResources().getRequests()).containsKeys("cpu", "memory");
            assertThat(c.getResources().getLimits()).containsKey("memory");

            var sc = c.getSecurityContext();
            assertThat(sc.getAllowPrivilegeEscalation()).isFalse();
            assertThat(sc.getReadOnlyRootFilesystem()).isTrue();
            assertThat(sc.getRunAsNonRoot()).isTrue();
            assertThat(sc.getCapabilities().getDrop()).containsExactly("ALL");
            assertThat(sc.getCapabilities().getAdd()).isNullOrEmpty();
            assertThat(sc.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
            assertThat(c.getVolumeMounts()).anyMatch(m -> "/tmp".equals(m.getMountPath()));
            assertThat(pod.getVolumes()).anyMatch(v -> "tmp".equals(v.getName()) && v.getEmptyDir() != null);

            assertProbe(c, c.getLivenessProbe(), "/q/health/live", management);
            assertProbe(c, c.getReadinessProbe(), "/q/health/ready", management);
            assertProbe(c, c.getStartupProbe(), "/q/health/live", management);
        }
    }

    private static void assertProbe(Container c, Probe probe, String path, int managementPort) {
        assertThat(probe).as("%s probe %s", c.getName(), path).isNotNull();
        assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
        IntOrString port = probe.getHttpGet().getPort();
        int resolved = port.getIntVal() != null ? port.getIntVal() : c.getPorts().stream()
                .filter(p -> port.getStrVal().equals(p.getName())).mapToInt(ContainerPort::getContainerPort)
                .findFirst().orElseThrow(() -> new AssertionError("probe port " + port.getStrVal() + " not declared"));
        assertThat(resolved).as("%s probe %s on the management port", c.getName(), path).isEqualTo(managementPort);
    }

    @ParameterizedTest
    @ValueSource(strings = {"default", "production"})
    void configMapChecksumMatchesTheMountedConfiguration(String which) throws Exception {
        Chart.Rendered r = rendering(which);
        for (Deployment d : r.all(Deployment.class)) {
            String name = d.getMetadata().getName();
            ConfigMap cm = r.named(ConfigMap.class, name + "-config").orElseThrow();
            String properties = cm.getData().get("application.properties");
            String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(properties.stripTrailing().getBytes(StandardCharsets.UTF_8)));
            assertThat(d.getSpec().getTemplate().getMetadata().getAnnotations())
                    .as("checksum/config of %s", name).containsEntry("checksum/config", expected);
            assertThat(d.getSpec().getTemplate().getSpec().getVolumes())
                    .anyMatch(v -> v.getConfigMap() != null && cm.getMetadata().getName().equals(v.getConfigMap().getName()));
            assertThat(properties).as("no credentials in %s", cm.getMetadata().getName())
                    .doesNotContainPattern("(?im)^[^=]*(password|secret)[^=]*=(?!.*\\$\\{)");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"default", "production"})
    void credentialsComeFromExistingSecretsOnly(String which) {
        Chart.Rendered r = rendering(which);
        for (Deployment d : r.all(Deployment.class)) {
            String component = d.getMetadata().getLabels().get("app.kubernetes.io/component");
            List<EnvVar> env = d.getSpec().getTemplate().getSpec().getContainers().getFirst().getEnv();
            for (EnvVar e : env) {
                if (e.getName().matches(".*(PASSWORD|SECRET).*")) {
                    assertThat(e.getValue()).as("%s of %s is a literal", e.getName(), component).isNull();
                    assertThat(e.getValueFrom().getSecretKeyRef().getName()).isNotBlank();
                }
            }
            Set<String> names = env.stream().map(EnvVar::getName).collect(Collectors.toSet());
            if (Chart.COMPONENTS.get(component)[2] == 1) {
                assertThat(names).contains("QUARKUS_DATASOURCE_USERNAME", "QUARKUS_DATASOURCE_PASSWORD");
            } else {
                assertThat(names).doesNotContain("QUARKUS_DATASOURCE_PASSWORD");
            }
            if ("gateway".equals(component)) {
                assertThat(names).as("stream ticket key shared by all gateway pods").contains("PARLEY_GATEWAY_TICKET_SECRET");
            }
            if ("production".equals(which)) {
                assertThat(names).contains("KAFKA_SASL_PASSWORD", "QUARKUS_OIDC_CREDENTIALS_SECRET");
            }
        }
    }

    @Test
    void databasesAreOnePerServiceAndKafkaSettingsReachEveryService() {
        Map<String, String> dbs = Map.of("channel", "parley_channel", "rooms", "parley_rooms",
                "sessions", "parley_sessions");
        for (Map.Entry<String, String> e : dbs.entrySet()) {
            String props = production.named(ConfigMap.class, "parley-" + e.getKey() + "-config").orElseThrow()
                    .getData().get("application.properties");
            assertThat(props).contains("quarkus.datasource.reactive.url=postgresql://parley-postgres-rw.databases.svc:5432/"
                    + e.getValue() + "?sslmode=require")
                    .contains("quarkus.datasource.jdbc.url=jdbc:postgresql://parley-postgres-rw.databases.svc:5432/"
                    + e.getValue() + "?sslmode=require");
        }
        for (String component : Chart.COMPONENTS.keySet()) {
            String props = production.named(ConfigMap.class, "parley-" + component + "-config").orElseThrow()
                    .getData().get("application.properties");
            assertThat(props).contains("kafka.bootstrap.servers=parley-kafka-bootstrap.kafka.svc:9093",
                    "kafka.security.protocol=SASL_SSL", "kafka.sasl.mechanism=SCRAM-SHA-512",
                    "password=\"${KAFKA_SASL_PASSWORD}\"", "kafka.ssl.truststore.type=PEM",
                    "parley.kafka.create-topics=false", "parley.kafka.replication-factor=3",
                    "quarkus.oidc.auth-server-url=https://sso.example.com/realms/parley",
                    "quarkus.oidc.token.audience=parley", "quarkus.oidc.client-id=parley-backend");
        }
        String gateway = defaults.named(ConfigMap.class, "parley-gateway-config").orElseThrow()
                .getData().get("application.properties");
        assertThat(gateway).contains("parley.gateway.services.presence.url=http://parley-presence:8081",
                "parley.gateway.services.channel.url=http://parley-channel:8082",
                "parley.gateway.services.rooms.url=http://parley-rooms:8083",
                "parley.gateway.services.sessions.url=http://parley-sessions:8084",
                "parley.kafka.create-topics=true");
        assertThat(production.named(ConfigMap.class, "parley-channel-config").orElseThrow().getData()
                .get("application.properties")).contains("quarkus.datasource.reactive.max-size=30");
    }

    @ParameterizedTest
    @ValueSource(strings = {"default", "production"})
    void gatewayDrainsLongEnoughForClientsToBeToldToReconnect(String which) {
        Deployment gw = rendering(which).named(Deployment.class, "parley-gateway").orElseThrow();
        PodSpec pod = gw.getSpec().getTemplate().getSpec();
        Container c = pod.getContainers().getFirst();
        long preStop = c.getLifecycle().getPreStop().getSleep().getSeconds();
        String props = rendering(which).named(ConfigMap.class, "parley-gateway-config").orElseThrow()
                .getData().get("application.properties");
        String timeout = props.lines().filter(l -> l.startsWith("quarkus.shutdown.timeout=")).findFirst()
                .orElseThrow().substring("quarkus.shutdown.timeout=".length());
        long shutdown = java.time.Duration.parse("PT" + timeout.toUpperCase()).toSeconds();
        assertThat(preStop).isPositive();
        assertThat(shutdown).as("time to tell WS/SSE clients to reconnect").isGreaterThanOrEqualTo(20);
        assertThat(pod.getTerminationGracePeriodSeconds()).isGreaterThanOrEqualTo(preStop + shutdown);
    }

    @Test
    void channelAttachmentsLiveOnASharedVolumeOrInS3() {
        Deployment channel = defaults.named(Deployment.class, "parley-channel").orElseThrow();
        var pvc = defaults.named(io.fabric8.kubernetes.api.model.PersistentVolumeClaim.class, "parley-channel-blobs")
                .orElseThrow();
        assertThat(pvc.getSpec().getAccessModes()).containsExactly("ReadWriteMany");
        assertThat(channel.getSpec().getTemplate().getSpec().getVolumes()).anyMatch(v -> v.getPersistentVolumeClaim() != null
                && "parley-channel-blobs".equals(v.getPersistentVolumeClaim().getClaimName()));
        assertThat(channel.getSpec().getTemplate().getSpec().getContainers().getFirst().getVolumeMounts())
                .anyMatch(m -> "/var/lib/parley/channel-blobs".equals(m.getMountPath()));
        assertThat(defaults.named(ConfigMap.class, "parley-channel-config").orElseThrow().getData()
                .get("application.properties")).contains("parley.channel.blobs.store=filesystem",
                "parley.channel.blobs.directory=/var/lib/parley/channel-blobs");

        assertThat(production.all(io.fabric8.kubernetes.api.model.PersistentVolumeClaim.class)).isEmpty();
        Deployment s3 = production.named(Deployment.class, "parley-channel").orElseThrow();
        assertThat(s3.getSpec().getTemplate().getSpec().getContainers().getFirst().getEnv())
                .anyMatch(e -> e.getName().equals("PARLEY_CHANNEL_BLOBS_S3_SECRET_KEY")
                        && "parley-channel-s3".equals(e.getValueFrom().getSecretKeyRef().getName()));
        assertThat(production.named(ConfigMap.class, "parley-channel-config").orElseThrow().getData()
                .get("application.properties")).contains("parley.channel.blobs.store=s3",
                "parley.channel.blobs.s3.bucket=parley-channel-prod", "parley.channel.blobs.s3.path-style=true")
                .doesNotContain("parley.channel.blobs.directory");
        NetworkPolicy np = production.named(NetworkPolicy.class, "parley-channel").orElseThrow();
        assertThat(np.getSpec().getEgress()).anyMatch(e -> e.getPorts() != null
                && e.getPorts().stream().anyMatch(p -> Integer.valueOf(443).equals(p.getPort().getIntVal()))
                && e.getTo().stream().anyMatch(t -> t.getIpBlock() != null));
    }

    @Test
    void roomsWebhookTargetsTakeTheirHmacKeyFromASecret() {
        String props = production.named(ConfigMap.class, "parley-rooms-config").orElseThrow().getData()
                .get("application.properties");
        assertThat(props).contains("parley.rooms.webhooks.targets.acme-triage.tenant=acme",
                "parley.rooms.webhooks.targets.acme-triage.app=triage",
                "parley.rooms.webhooks.targets.acme-triage.url=https://triage.acme.example/parley",
                "parley.rooms.webhooks.targets.acme-triage.secret=${PARLEY_WEBHOOK_SECRET_0}");
        EnvVar secret = production.named(Deployment.class, "parley-rooms").orElseThrow().getSpec().getTemplate()
                .getSpec().getContainers().getFirst().getEnv().stream()
                .filter(e -> e.getName().equals("PARLEY_WEBHOOK_SECRET_0")).findFirst().orElseThrow();
        assertThat(secret.getValueFrom().getSecretKeyRef().getName()).isEqualTo("acme-triage-webhook");
        NetworkPolicy np = production.named(NetworkPolicy.class, "parley-rooms").orElseThrow();
        assertThat(np.getSpec().getEgress()).anyMatch(e -> e.getPorts() != null
                && e.getPorts().stream().anyMatch(p -> Integer.valueOf(80).equals(p.getPort().getIntVal())));
        assertThat(defaults.named(ConfigMap.class, "parley-rooms-config").orElseThrow().getData()
                .get("application.properties")).doesNotContain("webhooks");
        assertThatThrownBy(() -> Chart.renderWith(Map.of("rooms.webhooks.targets.x.tenant", "t",
                "rooms.webhooks.targets.x.app", "a", "rooms.webhooks.targets.x.url", "https://x")))
                .hasMessageContaining("existingSecret");
    }

    @Test
    void productionExposesOnlyTheGatewayWithLongIdleTimeouts() {
        List<Ingress> ingresses = production.all(Ingress.class);
        assertThat(ingresses).hasSize(1);
        Ingress ing = ingresses.getFirst();
        assertThat(ing.getSpec().getRules()).allSatisfy(rule -> assertThat(rule.getHttp().getPaths())
                .allSatisfy(p -> assertThat(p.getBackend().getService().getName()).isEqualTo("parley-gateway")));
        assertThat(ing.getMetadata().getAnnotations())
                .containsEntry("nginx.ingress.kubernetes.io/proxy-read-timeout", "3600")
                .containsEntry("nginx.ingress.kubernetes.io/proxy-body-size", "26m");
        assertThat(defaults.all(Ingress.class)).isEmpty();

        HorizontalPodAutoscaler hpa = production.named(HorizontalPodAutoscaler.class, "parley-gateway").orElseThrow();
        assertThat(hpa.getSpec().getMetrics()).anyMatch(m -> m.getPods() != null
                && "parley_gateway_connections".equals(m.getPods().getMetric().getName()));
    }

    @Test
    void httpRouteIsTheGatewayApiAlternative() {
        Chart.Rendered r = Chart.renderWith(Map.of("httpRoute.enabled", true));
        List<HasMetadata> routes = r.kind("HTTPRoute");
        assertThat(routes).hasSize(1);
        var route = (io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute) routes.getFirst();
        assertThat(route.getSpec().getRules().getFirst().getBackendRefs().getFirst().getName())
                .isEqualTo("parley-gateway");
        assertThat(route.getSpec().getRules().getFirst().getTimeouts().getRequest()).isEqualTo("0s");
    }

    @Test
    void networkPoliciesLetOnlyTheGatewayReachTheServices() {
        List<NetworkPolicy> policies = production.all(NetworkPolicy.class);
        assertThat(policies).hasSize(5);
        for (NetworkPolicy np : policies) {
            String component = np.getSpec().getPodSelector().getMatchLabels().get("app.kubernetes.io/component");
            var http = np.getSpec().getIngress().stream()
                    .filter(rule -> rule.getPorts().stream().anyMatch(p -> "http".equals(p.getPort().getStrVal())))
                    .findFirst().orElseThrow();
            if ("gateway".equals(component)) {
                assertThat(http.getFrom()).allMatch(peer -> peer.getNamespaceSelector() != null);
            } else {
                assertThat(http.getFrom()).singleElement().satisfies(peer -> assertThat(peer.getPodSelector()
                        .getMatchLabels()).containsEntry("app.kubernetes.io/component", "gateway"));
            }
            boolean toPostgres = np.getSpec().getEgress().stream().anyMatch(e -> e.getPorts() != null
                    && e.getPorts().stream().anyMatch(p -> Integer.valueOf(5432).equals(p.getPort().getIntVal())));
            assertThat(toPostgres).as("%s may reach PostgreSQL", component)
                    .isEqualTo(Chart.COMPONENTS.get(component)[2] == 1);
        }
        assertThat(defaults.all(NetworkPolicy.class)).as("opt-in").isEmpty();
    }

    @Test
    void strimziTopicsCoverEveryTopicWithItsRetention() {
        List<HasMetadata> topics = production.kind("KafkaTopic");
        Map<String, Map<String, Object>> byName = topics.stream().collect(Collectors.toMap(
                t -> (String) spec(t).get("topicName"), t -> spec(t)));
        assertThat(byName.keySet()).containsExactlyInAnyOrder("parley.channel.events.v1", "parley.rooms.events.v1",
                "parley.sessions.events.v1", "parley.ephemeral.v1", "parley.presence.connections.v1",
                "parley.presence.changes.v1", "parley.roster.v1", "parley.discovery.v1");
        assertThat(config(byName, "parley.channel.events.v1")).containsEntry("retention.ms", 604800000L);
        for (String compacted : List.of("parley.presence.changes.v1", "parley.roster.v1", "parley.discovery.v1")) {
            assertThat(config(byName, compacted)).containsEntry("cleanup.policy", "compact");
        }
        assertThat(config(byName, "parley.ephemeral.v1")).containsEntry("retention.ms", 3600000L);
        byName.values().forEach(s -> {
            assertThat(((Number) s.get("partitions")).intValue()).isEqualTo(12);
            assertThat(((Number) s.get("replicas")).intValue()).isEqualTo(3);
        });
        topics.forEach(t -> assertThat(t.getMetadata().getLabels()).containsEntry("strimzi.io/cluster", "parley"));
        assertThat(defaults.kind("KafkaTopic")).isEmpty();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> spec(HasMetadata o) {
        Map<String, Object> m = Chart.SERIALIZATION.convertValue(o, Map.class);
        return (Map<String, Object>) m.get("spec");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> config(Map<String, Map<String, Object>> byName, String topic) {
        Map<String, Object> cfg = (Map<String, Object>) byName.get(topic).get("config");
        return cfg.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
                e -> e.getValue() instanceof Number n ? (Object) n.longValue() : e.getValue()));
    }

    @Test
    void monitoringRendersWhenEnabled() {
        assertThat(production.kind("ServiceMonitor")).hasSize(1);
        assertThat(production.kind("PrometheusRule")).hasSize(1);
        assertThat(defaults.kind("ServiceMonitor")).as("no Prometheus operator API, flag off").isEmpty();
        assertThat(defaults.kind("ConfigMap")).anyMatch(cm -> cm.getMetadata().getName().equals("parley-dashboards"));
    }

    @Test
    void scalingOneServiceIsOneValue() {
        Chart.Rendered r = Chart.renderWith(Map.of("channel.replicas", 5));
        assertThat(r.named(HorizontalPodAutoscaler.class, "parley-channel").orElseThrow().getSpec().getMinReplicas())
                .isEqualTo(5);
        assertThat(r.named(HorizontalPodAutoscaler.class, "parley-rooms").orElseThrow().getSpec().getMinReplicas())
                .isEqualTo(2);
        Chart.Rendered fixed = Chart.renderWith(Map.of("channel.replicas", 5, "channel.autoscaling.enabled", false));
        assertThat(fixed.named(Deployment.class, "parley-channel").orElseThrow().getSpec().getReplicas()).isEqualTo(5);
        assertThat(fixed.named(HorizontalPodAutoscaler.class, "parley-channel")).isEmpty();
    }

    @Test
    void clustersOlderThanTheNativePreStopSleepAreRefused() {
        assertThatThrownBy(() -> Chart.render(Chart.chartDir(), Chart.NAMESPACE, List.of(), Map.of(), "1.29.9"))
                .hasMessageContaining("kubeVersion");
        assertThat(Chart.render(Chart.chartDir(), Chart.NAMESPACE, List.of(), Map.of(), "1.30.0")).contains("kind: Deployment");
    }

    @Test
    void latestTagIsRefused() {
        assertThatThrownBy(() -> Chart.renderWith(Map.of("gateway.image.tag", "latest")))
                .hasMessageContaining("/gateway/image/tag");
        assertThatThrownBy(() -> Chart.renderWith(Map.of("image.tag", "latest")))
                .hasMessageContaining("/image/tag");
    }

    @Test
    void saslWithoutAnExistingSecretIsRefused() {
        assertThatThrownBy(() -> Chart.renderWith(Map.of("kafka.securityProtocol", "SASL_SSL")))
                .hasMessageContaining("kafka.sasl.existingSecret");
    }
}
