package dev.parley.testing.layering.broken.domain;

import dev.parley.testing.layering.broken.rest.Endpoint;

public class Leaky {
    public String path() {
        return Endpoint.path();
    }
}
