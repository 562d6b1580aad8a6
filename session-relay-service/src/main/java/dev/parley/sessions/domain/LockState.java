package dev.parley.sessions.domain;

import java.time.Instant;

/**
 * The turn-lock row of one session as the database saw it, with the database's clock at that moment.
 *
 * @param fencingToken   the token of the latest grant (0 before the first); never decreases
 * @param holderRef      the holder of the latest grant, or null once it was released or swept after expiry
 * @param expiresAt      when the latest grant expires unless heartbeated
 * @param now            the database clock ({@code clock_timestamp()}) when the row was read
 * @param cancelByRef    the member who asked to stop the current grant's turn, or null (ADR 0056)
 * @param cancelDeadline when the server ends that turn itself if it is still held (database clock), or null
 */
public record LockState(long fencingToken, String holderRef, String holderName, String turnId, Instant since,
                        Instant expiresAt, Instant now, String cancelByRef, String cancelByName,
                        Instant cancelDeadline) {

    public LockState(long fencingToken, String holderRef, String holderName, String turnId, Instant since,
                     Instant expiresAt, Instant now) {
        this(fencingToken, holderRef, holderName, turnId, since, expiresAt, now, null, null, null);
    }

    /** A holder whose grant has not expired by the database clock. */
    public boolean held() {
        return holderRef != null && expiresAt != null && expiresAt.isAfter(now);
    }

    /** A grant that expired without a release and has not been cleaned up yet. */
    public boolean expiredUnreleased() {
        return holderRef != null && !held();
    }

    public boolean heldBy(String ref) {
        return held() && holderRef.equals(ref);
    }

    /** A live grant whose turn a member asked to stop. */
    public boolean cancelRequested() {
        return held() && cancelByRef != null;
    }

    /** A live grant asked to stop whose grace has run out by the database clock: the server ends it. */
    public boolean cancelDue() {
        return cancelRequested() && cancelDeadline != null && !cancelDeadline.isAfter(now);
    }
}
