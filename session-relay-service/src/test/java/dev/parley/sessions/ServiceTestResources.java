package dev.parley.sessions;

import dev.parley.testing.ParleyTestResources;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;

/** Real Kafka, PostgreSQL and the token issuer, started once for every test of this module. */
@QuarkusTestResource(value = ParleyTestResources.class, initArgs = @ResourceArg(name = "database", value = "sessions"))
public class ServiceTestResources {
}
