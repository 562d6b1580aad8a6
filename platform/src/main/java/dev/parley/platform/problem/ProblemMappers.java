package dev.parley.platform.problem;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.ClientErrorException;
import jakarta.ws.rs.NotAcceptableException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.io.CharConversionException;
import java.util.stream.Collectors;

/**
 * One mapping from every failure to a problem+json answer: bad input is always a 4xx with a stable code, never a
 * 500. Only a real fault of ours is a 500 (logged, with no internals in the body).
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    public static Response response(Problem problem) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem).build();
    }

    public static Response response(int status, String code, String detail) {
        return response(new Problem(status, code, Problem.titleFor(status), detail));
    }

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        Response.ResponseBuilder builder = Response.status(e.problem().status()).type(Problem.MEDIA_TYPE)
                .entity(e.problem());
        e.headers().forEach(builder::header);
        return builder.build();
    }

    @ServerExceptionMapper
    public Response malformed(JsonParseException e) {
        return response(400, ErrorCodes.MALFORMED_JSON, "the body is not valid JSON: " + e.getOriginalMessage());
    }

    @ServerExceptionMapper
    public Response mapping(JsonMappingException e) {
        Response fromCause = fromCause(e);
        if (fromCause != null) {
            return fromCause;
        }
        if (e.getOriginalMessage() != null && e.getOriginalMessage().contains("Invalid UTF-8")) {
            return response(400, ErrorCodes.MALFORMED_JSON, "the body is not valid UTF-8");
        }
        String path = e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining("."));
        return response(400, ErrorCodes.INVALID,
                path.isEmpty() ? "the body does not have the expected shape" : "invalid field '" + path + "'");
    }

    @ServerExceptionMapper
    public Response mismatched(MismatchedInputException e) {
        return mapping(e);
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e) {
        return response(400, ErrorCodes.MALFORMED_JSON, "the body is not valid JSON");
    }

    @ServerExceptionMapper
    public Response encoding(CharConversionException e) {
        return response(400, ErrorCodes.MALFORMED_JSON, "the body is not valid UTF-8");
    }

    @ServerExceptionMapper
    public Response validation(ConstraintViolationException e) {
        String detail = e.getConstraintViolations().stream()
                .map(v -> {
                    String path = v.getPropertyPath().toString();
                    int dot = path.indexOf('.');
                    // drop the method name and argument index of parameter violations
                    String field = path.replaceFirst("^[^.]+\\.[^.]+\\.?", "");
                    return (field.isEmpty() ? (dot < 0 ? path : path.substring(dot + 1)) : field) + " " + v.getMessage();
                })
                .sorted()
                .collect(Collectors.joining("; "));
        return response(400, ErrorCodes.INVALID, detail);
    }

    @ServerExceptionMapper
    public Response unauthenticated(AuthenticationFailedException e) {
        return unauthorized();
    }

    @ServerExceptionMapper
    public Response unauthorized(UnauthorizedException e) {
        return unauthorized();
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return response(403, ErrorCodes.FORBIDDEN, "not allowed");
    }

    @ServerExceptionMapper
    public Response notFound(NotFoundException e) {
        return response(404, ErrorCodes.NOT_FOUND, "no such resource");
    }

    @ServerExceptionMapper
    public Response notAllowed(NotAllowedException e) {
        Response r = response(405, ErrorCodes.METHOD_NOT_ALLOWED, "this resource does not support that method");
        return Response.fromResponse(r).allow(e.getResponse().getAllowedMethods()).build();
    }

    @ServerExceptionMapper
    public Response unsupported(NotSupportedException e) {
        return response(415, ErrorCodes.UNSUPPORTED_MEDIA_TYPE, "send application/json");
    }

    @ServerExceptionMapper
    public Response notAcceptable(NotAcceptableException e) {
        return response(406, ErrorCodes.NOT_ACCEPTABLE, "cannot produce the requested media type");
    }

    @ServerExceptionMapper
    public Response client(ClientErrorException e) {
        Response fromCause = fromCause(e);
        if (fromCause != null) {
            return fromCause;
        }
        int status = e.getResponse().getStatus();
        String code = switch (status) {
            case 413 -> ErrorCodes.TOO_LARGE;
            case 404 -> ErrorCodes.NOT_FOUND;
            default -> ErrorCodes.INVALID;
        };
        return response(status, code, e.getMessage());
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        Response fromCause = fromCause(e);
        if (fromCause != null) {
            return fromCause;
        }
        int status = e.getResponse().getStatus();
        if (status < 500) {
            return response(status, status == 400 ? ErrorCodes.INVALID : ErrorCodes.NOT_FOUND, e.getMessage());
        }
        LOG.error("request failed", e);
        return response(500, ErrorCodes.INTERNAL, "internal error");
    }

    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER + 1000)
    public Response unexpected(Throwable e) {
        if (e instanceof ProblemException p) {
            return problem(p);
        }
        Response fromCause = fromCause(e);
        if (fromCause != null) {
            return fromCause;
        }
        Throwable outage = Outages.outage(e);
        if (outage != null) {
            LOG.warnf("a dependency is unavailable, answered 503: %s", outage.toString());
            return Response.fromResponse(response(503, ErrorCodes.UNAVAILABLE,
                    "a dependency is unavailable; retry later")).header("Retry-After", RETRY_AFTER_SECONDS).build();
        }
        LOG.error("request failed", e);
        return response(500, ErrorCodes.INTERNAL, "internal error");
    }

    /** {@code Retry-After} of a 503 for an unavailable dependency, in seconds. */
    static final int RETRY_AFTER_SECONDS = 5;

    /**
     * The one walk down a wrapped exception's causes (the JSON reader wraps Jackson's errors, reactive pipelines wrap
     * ours): a problem or a JSON error anywhere in the chain decides the answer; null when none does.
     */
    private Response fromCause(Throwable e) {
        for (Throwable cause = e.getCause(); cause != null && cause != e; cause = cause.getCause()) {
            if (cause instanceof ProblemException p) {
                return problem(p);
            }
            if (cause instanceof JsonParseException p) {
                return malformed(p);
            }
            if (cause instanceof CharConversionException c) {
                return encoding(c);
            }
            if (cause instanceof JsonMappingException m) {
                return mapping(m);
            }
        }
        return null;
    }

    private static Response unauthorized() {
        return Response.fromResponse(response(401, ErrorCodes.UNAUTHORIZED, "a valid bearer token is required"))
                .header("WWW-Authenticate", "Bearer").build();
    }
}
