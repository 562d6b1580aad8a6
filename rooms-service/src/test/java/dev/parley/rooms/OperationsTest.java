package dev.parley.rooms;

import dev.parley.testing.OperationsContract;
import io.quarkus.test.junit.QuarkusTest;

/** Health, metrics and OpenAPI answer on the management port (the shared contract of every service). */
@QuarkusTest
class OperationsTest extends OperationsContract {

    @org.junit.jupiter.api.Test
    void readinessIsTheDatabaseNotKafka() {
        readinessIgnoresABrokerOutage();
    }
}
