-- Full-text search of room messages (GET /api/agent-rooms/search, ADR 0047). A stored generated vector of the
-- markdown source, computed by PostgreSQL in the insert (messages are never edited or deleted), 'english' spelled
-- out so the expression is immutable and every query uses the same configuration. Adding the column rewrites the
-- table once (on 1,000,000 messages: see the bench report of the search).
ALTER TABLE room_messages
    ADD COLUMN search tsvector GENERATED ALWAYS AS (to_tsvector('english'::regconfig, translate(content, '<&', U&'\E000\E001'))) STORED;
CREATE INDEX room_messages_search ON room_messages USING gin (search);
-- '<' and '&' are indexed as private-use characters (blanks to the parser), so text that looks like a markup tag or
-- an entity ("a<b and c>d", "<b>word</b>") is indexed word by word instead of being skipped as markup.
