package dev.parley.testing;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

/**
 * The house layering of a service (STYLE.md), enforced by ArchUnit instead of by hope: HTTP adapters
 * ({@code rest}, {@code websocket}, {@code sse}) are reached by nothing; {@code service} only from the adapters;
 * Kafka adapters ({@code messaging}, {@code client}) may be both driven by and drive services; {@code repository} only
 * from services and Kafka adapters; {@code domain} depends on no other layer and is plain Java (no Quarkus,
 * persistence, Vert.x, JAX-RS or Kafka), so business rules can be unit-tested without a container.
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
                .layer("Http").definedBy(base + ".rest..", base + ".websocket..", base + ".sse..")
                .layer("Service").definedBy(base + ".service..")
                .layer("Messaging").definedBy(base + ".messaging..", base + ".client..")
                .layer("Domain").definedBy(base + ".domain..")
                .layer("Repository").definedBy(base + ".repository..")
                .whereLayer("Http").mayNotBeAccessedByAnyLayer()
                .whereLayer("Service").mayOnlyBeAccessedByLayers("Http", "Messaging")
                .whereLayer("Messaging").mayOnlyBeAccessedByLayers("Http", "Service")
                .whereLayer("Repository").mayOnlyBeAccessedByLayers("Service", "Messaging");
        ArchRule domainDependsOnNoLayer = noClasses().that().resideInAPackage(base + ".domain..")
                .should().dependOnClassesThat().resideInAnyPackage(base + ".rest..", base + ".websocket..",
                        base + ".sse..", base + ".service..", base + ".messaging..", base + ".client..",
                        base + ".repository..")
                .allowEmptyShould(true)
                .as("domain depends on no other layer");
        ArchRule plainDomain = noClasses().that().resideInAPackage(base + ".domain..")
                .should().dependOnClassesThat().resideInAnyPackage("io.quarkus..", "jakarta.persistence..",
                        "io.vertx..", "jakarta.ws.rs..", "org.hibernate..", "org.apache.kafka..")
                .allowEmptyShould(true)
                .as("domain is plain Java: no Quarkus, persistence, Vert.x, JAX-RS or Kafka");
        return new ArchRule[] {layers, domainDependsOnNoLayer, plainDomain};
    }
}
