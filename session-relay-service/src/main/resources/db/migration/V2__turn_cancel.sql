-- Stopping a turn (ADR 0056): a member's cancel request on the current grant, and the database-clock deadline after
-- which the expiry sweep ends the turn itself. Cleared with the grant (release, expiry, revoke, a new grant).
ALTER TABLE turn_lock ADD COLUMN cancel_by_ref   text;
ALTER TABLE turn_lock ADD COLUMN cancel_by_name  text;
ALTER TABLE turn_lock ADD COLUMN cancel_deadline timestamptz;
CREATE INDEX turn_lock_cancel_due ON turn_lock (cancel_deadline) WHERE cancel_deadline IS NOT NULL;
