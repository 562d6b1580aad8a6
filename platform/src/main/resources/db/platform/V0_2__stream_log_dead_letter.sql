-- Events the broker refused for good (a record over its size limit, an invalid record). The relay sets each aside
-- here, marks its stream_log row as done and goes on with that stream and every other one; the event itself stays in
-- stream_log, so subscribers still get it by replay from the owner (the gateway's gap-fill).
CREATE TABLE stream_log_dead_letter (
    stream_key text        NOT NULL,
    seq        bigint      NOT NULL,
    type       text        NOT NULL,
    bytes      int         NOT NULL,
    reason     text        NOT NULL,
    at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (stream_key, seq)
);
