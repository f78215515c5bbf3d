-- Prediction payloads kept as sent (issue 4), and cheaper ingest. See docs/predictions.md "Storage".

-- json keeps the payload's text exactly as the logger sent it (key order, whitespace, 1.0), accepts
-- every JSON string (jsonb refuses \u0000), only validates on input (no binary conversion) and
-- still answers ->, #>> and json_* functions. Existing rows keep their jsonb rendering.
ALTER TABLE prediction_events ALTER COLUMN payload TYPE json USING payload::json;

-- How record_hash covers the payload (src/predictions/chain/record-hash.ts): rows hashed before
-- this migration are version 1 (canonical JSON of the parsed payload), new rows version 2 (the
-- stored text). ADD COLUMN with a constant default rewrites nothing.
ALTER TABLE prediction_events ADD COLUMN hash_version smallint NOT NULL DEFAULT 1;
ALTER TABLE prediction_events ALTER COLUMN hash_version SET DEFAULT 2;

-- A pair row is written by its first half and updated once by the second: free space in each page
-- lets that update be HOT (no new index entries; the updated columns are not indexed).
ALTER TABLE prediction_records SET (fillfactor = 80);
