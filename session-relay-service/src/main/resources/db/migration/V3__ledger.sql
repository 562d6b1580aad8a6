-- Ledger (ADR 0057): the hash chain over the envelopes of each session stream as stored in stream_log, computed
-- lazily (extended on read) and kept, so a chain once computed never changes and survives restarts and replays.
CREATE TABLE session_ledger_head (
    session_id uuid   PRIMARY KEY REFERENCES session (id),
    seq        bigint NOT NULL,
    chain      text   NOT NULL
);
CREATE TABLE session_ledger (
    session_id uuid   NOT NULL REFERENCES session (id),
    seq        bigint NOT NULL,
    sha256     text   NOT NULL,
    chain      text   NOT NULL,
    PRIMARY KEY (session_id, seq)
);
