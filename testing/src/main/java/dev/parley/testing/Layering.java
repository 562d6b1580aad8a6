package dev.parley.testing;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

/**
 * The house layering of a service (STYLE.md), enforced by ArchUnit instead of by hope:
 * {@code rest|websocket|sse|messaging → service → domain ← repository|client}; {@code domain} is plain Java (no
 * Quarkus, no persistence, no Vert.x), so business rules can be unit-tested without a container.
 * <pre>
 * {@literal @}Test void layering() { Layering.check("dev.parley.rooms"); }
 * </pre>
 */
public final class Layering {

    private Layering() {
    }

    public static void check(String basePackage) {
        check(basePackage, false);
    }

    static void check(String basePackage, boolean includeTests) {
        ClassFileImporter importer = new ClassFileImporter();
        if (!includeTests) {
            importer = importer.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS);
        }
        JavaClasses classes = importer.importPackages(basePackage);
        for (ArchRule rule : rules(basePackage)) {
            rule.check(classes);
        }
    }

    static ArchRule[] rules(String base) {
        ArchRule layers = layeredArchitecture().consideringOnlyDependenciesInLayers()
                .withOptionalLayers(true)
                .layer("Inbound").definedBy(base + ".rest..", base + ".websocket..", base + ".sse..",
                        base + ".messaging..")
                .layer("Service").definedBy(base + ".service..")
                .layer("Domain").definedBy(base + ".domain..")
                .layer("Outbound").definedBy(base + ".repository..", base + ".client..")
                .whereLayer("Inbound").mayNotBeAccessedByAnyLayer()
                .whereLayer("Service").mayOnlyBeAccessedByLayers("Inbound")
                .whereLayer("Outbound").mayOnlyBeAccessedByLayers("Service", "Inbound");
        ArchRule plainDomain = noClasses().that().resideInAPackage(base + ".domain..")
                .should().dependOnClassesThat().resideInAnyPackage("io.quarkus..", "jakarta.persistence..",
                        "io.vertx..", "jakarta.ws.rs..", "org.hibernate..", "org.apache.kafka..")
                .allowEmptyShould(true)
                .as("domain is plain Java: no Quarkus, persistence, Vert.x, JAX-RS or Kafka");
        return new ArchRule[] {layers, plainDomain};
    }
}
