package dev.parley.testing.layering.sample.domain;

public record Rule(int limit) {
    public boolean allows(int n) {
        return n <= limit;
    }
}
