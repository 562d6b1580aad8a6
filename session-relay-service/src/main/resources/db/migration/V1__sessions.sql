-- Shared sessions (API.md §6). Ids are uuids; every table is reached through session.tenant, so nothing crosses
-- tenants. Events of session:<id> and me/<ref> streams go to the platform's stream_log in the same transactions.

CREATE TABLE session (
    id                uuid        PRIMARY KEY,
    tenant            text        NOT NULL,
    title             text        NOT NULL,
    owner_ref         text        NOT NULL,
    engine_session_id text,
    created_at        timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE TABLE session_member (
    session_id uuid        NOT NULL REFERENCES session (id),
    ref        text        NOT NULL,
    name       text,
    role       text        NOT NULL,
    added_by   text        NOT NULL,
    added_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (session_id, ref)
);
CREATE INDEX session_member_by_ref ON session_member (ref, session_id);

-- One row per session, created with it: the row lock serialises acquirers on every replica; fencing_token is the
-- token of the latest grant and only ever grows; times are the database clock's.
CREATE TABLE turn_lock (
    session_id    uuid        PRIMARY KEY REFERENCES session (id),
    fencing_token bigint      NOT NULL DEFAULT 0,
    holder_ref    text,
    holder_name   text,
    turn_id       text,
    since         timestamptz,
    expires_at    timestamptz
);
CREATE INDEX turn_lock_held ON turn_lock (expires_at) WHERE holder_ref IS NOT NULL;

CREATE TABLE session_message (
    id          uuid        PRIMARY KEY,
    session_id  uuid        NOT NULL REFERENCES session (id),
    seq         bigint      NOT NULL,
    turn_id     text        NOT NULL,
    role        text        NOT NULL,
    content     text        NOT NULL,
    author      text        NOT NULL,
    author_name text,
    created_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    UNIQUE (session_id, seq)
);

-- The in-flight turn: one row per session, overwritten (no log growth from snapshots).
CREATE TABLE session_live (
    session_id uuid        PRIMARY KEY REFERENCES session (id),
    turn_id    text        NOT NULL,
    status     text        NOT NULL,
    text       text        NOT NULL,
    thinking   text        NOT NULL,
    tools      text        NOT NULL,
    started_by text        NOT NULL,
    updated_at timestamptz NOT NULL
);

-- Transcript: append-only chunks plus a head row with the running length, hash and resumable SHA-256 state.
CREATE TABLE transcript_head (
    session_id uuid   PRIMARY KEY REFERENCES session (id),
    length     bigint NOT NULL DEFAULT 0,
    sha256     text   NOT NULL,
    state      text   NOT NULL
);
CREATE TABLE transcript_chunk (
    session_id   uuid   NOT NULL REFERENCES session (id),
    start_offset bigint NOT NULL,
    data         bytea  NOT NULL,
    PRIMARY KEY (session_id, start_offset)
);

-- Share and revoke records by recipient me stream and its seq; kept forever (the me stream keeps 30 days).
CREATE TABLE share_record (
    me_key     text        NOT NULL,
    seq        bigint      NOT NULL,
    kind       text        NOT NULL,
    session_id uuid        NOT NULL,
    title      text        NOT NULL,
    by_ref     text        NOT NULL,
    by_name    text,
    at         timestamptz NOT NULL,
    PRIMARY KEY (me_key, seq)
);

-- Mentions appended, once per (room stream, seq, user) however often Kafka redelivers.
CREATE TABLE mention_delivery (
    room_key text   NOT NULL,
    seq      bigint NOT NULL,
    user_ref text   NOT NULL,
    PRIMARY KEY (room_key, seq, user_ref)
);

-- Sync pairings: one pair row, one membership row per side (the primary key keeps a member in one pairing).
CREATE TABLE sync_pair (
    id            uuid        PRIMARY KEY,
    tenant        text        NOT NULL,
    a_ref         text        NOT NULL,
    b_ref         text        NOT NULL,
    tabs          text        NOT NULL DEFAULT '[]',
    active_tab_id text,
    screen        text        NOT NULL DEFAULT '{}',
    started_at    timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE TABLE sync_member (
    tenant  text NOT NULL,
    ref     text NOT NULL,
    pair_id uuid NOT NULL REFERENCES sync_pair (id) ON DELETE CASCADE,
    PRIMARY KEY (tenant, ref)
);
