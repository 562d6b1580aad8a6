-- Optional webhook delivery of agent inboxes: how far each inbox stream was delivered, and what gave up.
CREATE TABLE webhook_cursors (
    stream_key      text        PRIMARY KEY,
    delivered       bigint      NOT NULL DEFAULT 0,
    attempts        int         NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error      text
);

CREATE TABLE webhook_dead_letters (
    stream_key text        NOT NULL,
    seq        bigint      NOT NULL,
    url        text        NOT NULL,
    envelope   text        NOT NULL,
    attempts   int         NOT NULL,
    last_error text,
    failed_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (stream_key, seq)
);
