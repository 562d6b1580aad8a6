package dev.parley.platform.http;

import dev.parley.events.Json;
import dev.parley.platform.problem.ErrorCodes;
import dev.parley.platform.problem.Problem;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Answers what never reaches a REST resource with problem+json too: unknown routes (404), JSON bodies over the
 * 1 MiB cap (413, refused from {@code Content-Length} before a byte is read), and the HTTP layer's own errors.
 */
@ApplicationScoped
public class HttpErrorRoutes {

    private final HttpConfig config;

    public HttpErrorRoutes(HttpConfig config) {
        this.config = config;
    }

    void install(@Observes Router router) {
        long jsonMax = config.jsonMaxBody().asLongValue();
        router.route().order(Integer.MIN_VALUE + 100).handler(ctx -> {
            String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
            String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
            if (type != null && type.contains("json") && length != null) {
                try {
                    if (Long.parseLong(length.trim()) > jsonMax) {
                        write(ctx, 413, ErrorCodes.TOO_LARGE, "JSON bodies are limited to " + jsonMax + " bytes");
                        return;
                    }
                } catch (NumberFormatException e) {
                    write(ctx, 400, ErrorCodes.INVALID, "invalid Content-Length");
                    return;
                }
            }
            ctx.next();
        });
        router.errorHandler(404, ctx -> write(ctx, 404, ErrorCodes.NOT_FOUND, "no such resource"));
        router.errorHandler(405, ctx -> write(ctx, 405, ErrorCodes.METHOD_NOT_ALLOWED, "method not allowed"));
        router.errorHandler(413, ctx -> write(ctx, 413, ErrorCodes.TOO_LARGE, "the body is too large"));
        router.errorHandler(415, ctx -> write(ctx, 415, ErrorCodes.UNSUPPORTED_MEDIA_TYPE, "unsupported media type"));
    }

    public static void write(RoutingContext ctx, int status, String code, String detail) {
        if (ctx.response().headWritten()) {
            ctx.response().end();
            return;
        }
        ctx.response().setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .end(Json.string(new Problem(status, code, Problem.titleFor(status), detail)));
    }
}
