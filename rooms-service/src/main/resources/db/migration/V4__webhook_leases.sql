-- Webhook deliveries are claimed, not locked across HTTP calls (ADR 0046): a replica leases an inbox's cursor for a
-- while (lease_until, renewed on every acknowledgement) under a fresh token, sends outside any transaction, and
-- acknowledges only while its token still holds the lease. Another replica claims only rows whose lease is over.
ALTER TABLE webhook_cursors ADD COLUMN lease_until timestamptz;
ALTER TABLE webhook_cursors ADD COLUMN lease_token uuid;
