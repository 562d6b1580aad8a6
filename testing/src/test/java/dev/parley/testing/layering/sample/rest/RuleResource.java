package dev.parley.testing.layering.sample.rest;

import dev.parley.testing.layering.sample.service.RuleService;

public class RuleResource {
    public boolean get(int n) {
        return new RuleService().check(n);
    }
}
