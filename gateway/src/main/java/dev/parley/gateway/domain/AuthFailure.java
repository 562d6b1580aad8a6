package dev.parley.gateway.domain;

/** A stream or request could not be authenticated: answered 401 {@code auth.unauthorized}. */
public class AuthFailure extends RuntimeException {
    public AuthFailure(String message) {
        super(message, null, false, false);
    }
}
