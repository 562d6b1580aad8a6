package dev.parley.events.payload;

/** {@code engine.set}: the one shared engine session id. */
public record EngineSet(String engineSessionId) {
}
