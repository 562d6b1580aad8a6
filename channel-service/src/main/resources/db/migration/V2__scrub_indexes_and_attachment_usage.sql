-- Scrubbing (ADR 0033): when a message is deleted or expires, every stream-log row and idempotency record that
-- carries its text or its attachments' names is rewritten in the same transaction. These expression indexes find
-- them by id instead of parsing a week of envelopes: a row carries a message as its data (data.id) or quotes it as
-- a reply (data.replyTo.id); an idempotency record answers a message or an upload (id) or a reply (replyTo.id).
-- Channel-owned indexes on the platform's tables (this database holds channel streams only); `json`, not `jsonb`:
-- the text is only scanned for one path, which costs about half of a jsonb conversion on every insert (measured in
-- ADR 0033). Full, not partial, indexes: with a parameter array the planner skipped the partial one.
CREATE INDEX channel_stream_log_data_id ON stream_log ((envelope::json #>> '{data,id}'));
CREATE INDEX channel_stream_log_reply_to ON stream_log ((envelope::json #>> '{data,replyTo,id}'));
CREATE INDEX channel_idempotency_id ON idempotency_keys ((body::json #>> '{id}'));
CREATE INDEX channel_idempotency_reply_to ON idempotency_keys ((body::json #>> '{replyTo,id}'));

-- Attachment bytes per tenant (the tenant quota, attached and unattached alike, ADR 0034): moved in the same
-- transaction as every insert and delete of channel_attachment, so it always equals their sum. An upload adds its
-- size with a conditional upsert that holds the row lock to its commit: concurrent uploads of a tenant, on any
-- instance, cannot together pass the quota.
CREATE TABLE channel_attachment_usage (
    tenant text   PRIMARY KEY,
    bytes  bigint NOT NULL CHECK (bytes >= 0)
);
INSERT INTO channel_attachment_usage (tenant, bytes)
SELECT tenant, sum(size) FROM channel_attachment GROUP BY tenant;

