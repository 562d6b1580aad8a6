package dev.parley.testing.layering.broken.rest;

public class Endpoint {
    public static String path() {
        return "/x";
    }
}
