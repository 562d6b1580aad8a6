package dev.parley.sessions.domain;

/**
 * {@code turn.cancel_requested}: a member asked the holder to stop the running turn (ADR 0056).
 *
 * @param turnId the turn asked to stop (the current grant's)
 * @param by     who asked, {@code {"ref", "name"}}
 * @param reason free text from the request, or null
 */
public record CancelRequest(String turnId, Who by, String reason) {

    /** A person named as an object, as a share's {@code by}. */
    public record Who(String ref, String name) {
    }
}
