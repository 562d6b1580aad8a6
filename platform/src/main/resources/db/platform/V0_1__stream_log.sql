-- Platform tables, present in every service's own database (Flyway location db/platform; services start at V1).

-- The per-stream head: the last seq handed out and the oldest seq still kept. Writers lock their stream's row
-- for the length of their transaction, which serialises seq assignment per stream and keeps it gapless.
CREATE TABLE stream_head (
    stream_key text   PRIMARY KEY,
    head       bigint NOT NULL,
    earliest   bigint NOT NULL DEFAULT 1
);

-- The stream log (transactional outbox): every durable event, as the exact envelope JSON clients receive.
CREATE TABLE stream_log (
    stream_key text        NOT NULL,
    seq        bigint      NOT NULL,
    type       text        NOT NULL,
    at         timestamptz NOT NULL,
    envelope   text        NOT NULL,
    origin     text,
    published  boolean     NOT NULL DEFAULT false,
    PRIMARY KEY (stream_key, seq)
);
CREATE INDEX stream_log_unpublished ON stream_log (stream_key, seq) WHERE NOT published;
CREATE INDEX stream_log_at ON stream_log (at);

-- Idempotency-Key records: the first response to a key, for 24 h.
CREATE TABLE idempotency_keys (
    tenant       text        NOT NULL,
    principal    text        NOT NULL,
    route        text        NOT NULL,
    key          text        NOT NULL,
    request_hash text        NOT NULL,
    status       int         NOT NULL,
    body         text        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant, principal, route, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
