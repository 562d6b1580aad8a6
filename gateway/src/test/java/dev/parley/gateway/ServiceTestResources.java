package dev.parley.gateway;

import dev.parley.gateway.support.StubOwnerResource;
import dev.parley.testing.ParleyTestResources;
import io.quarkus.test.common.QuarkusTestResource;

/** Real Kafka and the token issuer, plus the stub owning services, started once for every test of this module. */
@QuarkusTestResource(value = ParleyTestResources.class)
@QuarkusTestResource(value = StubOwnerResource.class)
public class ServiceTestResources {
}
