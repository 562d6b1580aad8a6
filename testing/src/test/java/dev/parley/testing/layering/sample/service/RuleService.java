package dev.parley.testing.layering.sample.service;

import dev.parley.testing.layering.sample.domain.Rule;

public class RuleService {
    public boolean check(int n) {
        return new Rule(3).allows(n);
    }
}
