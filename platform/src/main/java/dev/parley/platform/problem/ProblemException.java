package dev.parley.platform.problem;

import java.util.Map;

/** Thrown (or failed with) anywhere; answered as its {@link Problem} by {@link ProblemMappers}. */
public class ProblemException extends RuntimeException {

    private final Problem problem;
    private final Map<String, String> headers;

    public ProblemException(Problem problem) {
        this(problem, Map.of());
    }

    public ProblemException(Problem problem, Map<String, String> headers) {
        super(problem.code() + ": " + problem.detail(), null, false, false);
        this.problem = problem;
        this.headers = headers;
    }

    public static ProblemException of(int status, String code, String detail) {
        return new ProblemException(new Problem(status, code, Problem.titleFor(status), detail));
    }

    public static ProblemException of(int status, String code, String detail, Map<String, Object> extensions) {
        return new ProblemException(new Problem(status, code, Problem.titleFor(status), detail, extensions));
    }

    public static ProblemException badRequest(String code, String detail) {
        return of(400, code, detail);
    }

    public static ProblemException invalid(String detail) {
        return of(400, ErrorCodes.INVALID, detail);
    }

    public static ProblemException forbidden(String code, String detail) {
        return of(403, code, detail);
    }

    /** 404, exactly as if the resource did not exist (also for resources of another tenant or not visible). */
    public static ProblemException notFound(String what) {
        return of(404, ErrorCodes.NOT_FOUND, what + " not found");
    }

    public static ProblemException conflict(String code, String detail) {
        return of(409, code, detail);
    }

    public static ProblemException conflict(String code, String detail, Map<String, Object> extensions) {
        return of(409, code, detail, extensions);
    }

    public static ProblemException limit(String code, String detail) {
        return of(422, code, detail);
    }

    public static ProblemException tooLarge(String detail) {
        return of(413, ErrorCodes.TOO_LARGE, detail);
    }

    public static ProblemException methodNotAllowed(String detail) {
        return of(405, ErrorCodes.METHOD_NOT_ALLOWED, detail);
    }

    public static ProblemException rateLimited(long retryAfterSeconds) {
        return new ProblemException(new Problem(429, ErrorCodes.RATE_LIMITED, Problem.titleFor(429),
                "too many requests; retry after " + retryAfterSeconds + " s"),
                Map.of("Retry-After", Long.toString(retryAfterSeconds)));
    }

    public static ProblemException unavailable(String detail, long retryAfterSeconds) {
        return new ProblemException(new Problem(503, ErrorCodes.UNAVAILABLE, Problem.titleFor(503), detail),
                Map.of("Retry-After", Long.toString(retryAfterSeconds)));
    }

    public Problem problem() {
        return problem;
    }

    public Map<String, String> headers() {
        return headers;
    }
}
