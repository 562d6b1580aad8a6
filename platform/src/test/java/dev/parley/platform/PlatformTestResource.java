package dev.parley.platform;

import dev.parley.testing.ParleyTestResources;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;

/** Real Kafka, PostgreSQL (database "platform") and token issuer for every platform test. */
@QuarkusTestResource(value = ParleyTestResources.class, initArgs = @ResourceArg(name = "database", value = "platform"))
public class PlatformTestResource {
}
