package dev.parley.sessions.domain;

/**
 * The rules of the turn-lock (API.md §6), decided on a {@link LockState} read under a row lock, so the database
 * serialises concurrent acquirers of every replica: one turn at a time, a grant that is not heartbeated within the
 * ttl frees itself (by the database clock), and every grant gets a larger fencing token.
 */
public final class TurnLock {

    private TurnLock() {
    }

    /** What an acquire attempt leads to. */
    public sealed interface Decision permits Grant, Held, Already {
    }

    /** A new grant with the next fencing token; {@code endsExpired} when an expired grant is taken over. */
    public record Grant(long fencingToken, boolean endsExpired) implements Decision {
    }

    /** Someone else (or the caller under another turn id) holds the lock. */
    public record Held(String holderRef, String holderName, java.time.Instant since) implements Decision {
    }

    /** The caller already holds it for this very turn (a retried acquire): the same grant, nothing new. */
    public record Already() implements Decision {
    }

    public static Decision acquire(LockState state, String callerRef, String turnId) {
        if (state.held()) {
            if (state.holderRef().equals(callerRef) && state.turnId().equals(turnId)) {
                return new Already();
            }
            return new Held(state.holderRef(), state.holderName(), state.since());
        }
        return new Grant(state.fencingToken() + 1, state.expiredUnreleased());
    }

    /** Outcome of checking a write's fencing token. */
    public enum Fence {
        /** No token given: an unfenced write (messages and transcript allow it). */
        UNFENCED,
        /** The token is the current, live grant of the caller. */
        OK,
        /** Older than the current grant, or the grant has ended (released or expired): 409 {@code turn.fenced}. */
        FENCED,
        /** The current grant belongs to someone else: 403 {@code turn.not_holder}. */
        NOT_HOLDER
    }

    public static Fence fence(LockState state, Long token, String callerRef) {
        return fence(state.fencingToken(), state.held(), state.holderRef(), token, callerRef);
    }

    /**
     * The same rule on the parts of a lock row that it needs: the latest grant's token, whether that grant is live
     * (database clock) and its holder.
     */
    public static Fence fence(long currentToken, boolean held, String holderRef, Long token, String callerRef) {
        if (token == null) {
            return Fence.UNFENCED;
        }
        if (token != currentToken || !held) {
            return Fence.FENCED;
        }
        return holderRef.equals(callerRef) ? Fence.OK : Fence.NOT_HOLDER;
    }
}
