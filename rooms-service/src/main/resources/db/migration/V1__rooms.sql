-- Group rooms (API.md §5). Rooms, members' history and messages are never deleted; a removed member's row goes,
-- the member.removed event on the room's stream keeps the record.

CREATE TABLE rooms (
    id          uuid        PRIMARY KEY,
    tenant      text        NOT NULL,
    name        text        NOT NULL,
    description text,
    created_by  text        NOT NULL,
    created_at  timestamptz NOT NULL,
    CONSTRAINT rooms_tenant_name_key UNIQUE (tenant, name)
);

-- Current members. app: the agent's app id (null for humans), so an app token finds the rooms its agents are in.
CREATE TABLE room_members (
    id       uuid        PRIMARY KEY,
    room_id  uuid        NOT NULL REFERENCES rooms (id),
    ref      text        NOT NULL,
    kind     text        NOT NULL,
    app      text,
    added_by text        NOT NULL,
    added_at timestamptz NOT NULL,
    CONSTRAINT room_members_room_ref_key UNIQUE (room_id, ref)
);
CREATE INDEX room_members_ref ON room_members (ref);
CREATE INDEX room_members_app ON room_members (app) WHERE app IS NOT NULL;

-- Messages; seq is the seq of their message.created event on the room's stream (so paging by seq matches replay).
CREATE TABLE room_messages (
    id          uuid        PRIMARY KEY,
    room_id     uuid        NOT NULL REFERENCES rooms (id),
    seq         bigint      NOT NULL,
    sender      text        NOT NULL,
    sender_name text,
    content     text        NOT NULL,
    html        text        NOT NULL,
    mentions    text        NOT NULL,
    routes      text        NOT NULL,
    metadata    text,
    created_at  timestamptz NOT NULL,
    CONSTRAINT room_messages_room_seq_key UNIQUE (room_id, seq)
);
