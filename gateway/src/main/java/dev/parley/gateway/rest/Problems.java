package dev.parley.gateway.rest;

import dev.parley.gateway.domain.AuthFailure;
import dev.parley.gateway.domain.StreamFailure;
import dev.parley.platform.http.HttpErrorRoutes;
import dev.parley.platform.problem.ErrorCodes;
import io.vertx.ext.web.RoutingContext;

/** problem+json answers of the gateway's own routes (the platform's writer, plus Retry-After where due). */
final class Problems {

    private Problems() {
    }

    static void write(RoutingContext ctx, int status, String code, String detail, Integer retryAfter) {
        if (ctx.response().ended() || ctx.response().closed()) {
            return;
        }
        if (retryAfter != null && !ctx.response().headWritten()) {
            ctx.response().putHeader("Retry-After", Integer.toString(retryAfter));
        }
        if (status == 401 && !ctx.response().headWritten()) {
            ctx.response().putHeader("WWW-Authenticate", "Bearer");
        }
        HttpErrorRoutes.write(ctx, status, code, detail);
    }

    static void fail(RoutingContext ctx, Throwable e, int retryAfter) {
        if (e instanceof AuthFailure) {
            write(ctx, 401, ErrorCodes.UNAUTHORIZED, e.getMessage(), null);
        } else if (e instanceof StreamFailure f) {
            write(ctx, f.status(), f.code(), f.getMessage(),
                    f.status() == 503 || f.status() == 429 ? retryAfter : null);
        } else {
            write(ctx, 503, ErrorCodes.UNAVAILABLE, "temporarily unavailable", retryAfter);
        }
    }
}
