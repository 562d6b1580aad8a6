package dev.parley.presence;

import dev.parley.testing.ParleyTestResources;
import io.quarkus.test.common.QuarkusTestResource;

/** Real Kafka and the token issuer, started once for every test of this module. */
@QuarkusTestResource(value = ParleyTestResources.class)
public class ServiceTestResources {
}
