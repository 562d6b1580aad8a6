-- Full-text search of the channel (GET /api/channel/search, ADR 0036). The vector is a stored generated column, so
-- it is computed once per write by PostgreSQL itself and can never disagree with the body: an edit recomputes it, a
-- delete (body = '') empties it, retention removes the row. 'english' (stemming: "deploy" finds "deploying") with an
-- explicit configuration, so the expression is immutable and queries use the same one.
ALTER TABLE channel_message
    ADD COLUMN search tsvector GENERATED ALWAYS AS (to_tsvector('english'::regconfig, translate(body, '<&', U&'\E000\E001'))) STORED;
-- GIN over the vector; the tenant, deleted flag and window are filtered on the (few) matching rows.
CREATE INDEX channel_message_search ON channel_message USING gin (search);
-- '<' and '&' are indexed as private-use characters (blanks to the parser), so text that looks like a markup tag or
-- an entity ("a<b and c>d", "<b>word</b>") is indexed word by word instead of being skipped as markup.
