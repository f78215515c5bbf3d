-- Every node of a Seldon Core v1 inference graph (transformer → classifier) logs the same
-- Ce-Requestid under the same deployment name; only the node (Ce-Modelid), the event's source and
-- its id differ. Halves were deduplicated by (model, request id, request|response) alone, so the
-- second node's halves were answered as duplicates and dropped. Now a half is a duplicate only when
-- its CloudEvents source + id were seen for that record (as the CloudEvents spec identifies an
-- event); another node's half is chained and stored like any other, and listed here, while the
-- record's request/response slots keep the first node's halves.
ALTER TABLE prediction_records
  ADD COLUMN request_event text,
  ADD COLUMN response_event text,
  ADD COLUMN other_events text[] NOT NULL DEFAULT '{}';
