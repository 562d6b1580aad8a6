-- Fork at a point (ADR 0058): where a session was forked from (null for an original).
ALTER TABLE session ADD COLUMN forked_from_session uuid;
ALTER TABLE session ADD COLUMN forked_from_seq     bigint;
