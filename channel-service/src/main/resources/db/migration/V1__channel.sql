-- The team channel of every tenant (one channel per tenant, so the tenant is the channel).

-- A message; seq is the seq of its message.created event on <tenant>/channel. A deleted message stays as a
-- tombstone (empty body, deleted = true) until retention removes it, so replies and paging stay stable.
CREATE TABLE channel_message (
    id              uuid        PRIMARY KEY,
    tenant          text        NOT NULL,
    seq             bigint      NOT NULL,
    author          text        NOT NULL,
    author_name     text        NOT NULL,
    body            text        NOT NULL,
    reply_to        uuid,
    -- the quoted original's author, kept so a quote still names it after the original expired
    reply_to_author text,
    created_at      timestamptz NOT NULL,
    edited_at       timestamptz,
    deleted         boolean     NOT NULL DEFAULT false,
    CONSTRAINT channel_message_tenant_seq UNIQUE (tenant, seq)
);
CREATE INDEX channel_message_created ON channel_message (created_at);

-- One member's reaction with one emoji on one message.
CREATE TABLE channel_reaction (
    message_id uuid        NOT NULL REFERENCES channel_message (id) ON DELETE CASCADE,
    emoji      text        NOT NULL,
    ref        text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (message_id, emoji, ref)
);

-- An upload; message_id is set once, when its uploader attaches it to a message (no FK: the attach happens in the
-- same transaction just before the message row is written).
CREATE TABLE channel_attachment (
    id           uuid        PRIMARY KEY,
    tenant       text        NOT NULL,
    uploader     text        NOT NULL,
    name         text        NOT NULL,
    size         bigint      NOT NULL,
    content_type text        NOT NULL,
    sha256       text        NOT NULL,
    blob_key     text        NOT NULL,
    message_id   uuid,
    position     int,
    created_at   timestamptz NOT NULL
);
CREATE INDEX channel_attachment_message ON channel_attachment (message_id);
CREATE INDEX channel_attachment_unattached ON channel_attachment (created_at) WHERE message_id IS NULL;
