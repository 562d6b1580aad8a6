package dev.parley.presence.messaging;

import dev.parley.presence.domain.Transition;

/** Where the fold hands its transitions (the changes topic in the service; a list in rebuild tests). */
@FunctionalInterface
public interface TransitionSink {
    void publish(Transition transition);
}
