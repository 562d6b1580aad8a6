package dev.parley.rooms.service;

import dev.parley.platform.problem.ErrorCodes;
import dev.parley.platform.problem.ProblemException;

import java.util.UUID;

/** Problem helpers of this module. */
public final class RoomErrors {

    /**
     * 403: an app token posts as one of its agents that is not a member, while another agent of the app is (so the
     * room is visible to the app).
     */
    public static final String AGENT_NOT_MEMBER = ErrorCodes.AGENT_NOT_MEMBER;

    private RoomErrors() {
    }

    public static ProblemException roomNotFound() {
        return ProblemException.notFound("room");
    }

    /** A path id that is not a UUID names no room: 404, like any room the caller cannot see. */
    public static UUID roomId(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw roomNotFound();
        }
    }

    public static ProblemException agentsCannotManage() {
        return ProblemException.forbidden(ErrorCodes.AGENTS_CANNOT_MANAGE,
                "only human members create rooms and manage their members");
    }
}
