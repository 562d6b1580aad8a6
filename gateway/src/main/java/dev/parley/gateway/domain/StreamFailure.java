package dev.parley.gateway.domain;

/** A subscription or stream request that cannot be served: an HTTP status plus an API.md error code. */
public class StreamFailure extends RuntimeException {
    private final int status;
    private final String code;

    public StreamFailure(int status, String code, String detail) {
        super(detail, null, false, false);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }
}
