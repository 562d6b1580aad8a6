package dev.parley.helm;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The unknown-field check finds a misspelt field (so the chart tests relying on it can fail). */
class UnknownFieldsTest {

    @Test
    void findsAMisspeltProbe() {
        Object deployment = Chart.SERIALIZATION.unmarshal("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: x}
                spec:
                  selector: {matchLabels: {a: b}}
                  template:
                    metadata: {labels: {a: b}}
                    spec:
                      containers:
                        - name: x
                          image: x:1
                          readinesProbe: {httpGet: {path: /q/health/ready, port: 9080}}
                """);
        assertThat(UnknownFields.of(deployment)).singleElement().asString().endsWith(".readinesProbe");
    }
}
