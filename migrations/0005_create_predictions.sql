-- Per-prediction audit records (src/predictions/). See docs/predictions.md.

-- Each half (request or response CloudEvent) is stored once, as it arrives, and chained per model:
-- seq is the model's chain position, prev_hash the previous half's record_hash, record_hash
-- sha256(prev_hash, seq, received_at and the canonical JSON of the other columns; see
-- src/predictions/chain/record-hash.ts). Rows are never updated. Partitioned by
-- arrival time (daily partitions created ahead by the service; the default partition catches
-- anything outside them), so retention drops whole partitions.
CREATE TABLE prediction_events (
  model_name     text NOT NULL,
  seq            bigint NOT NULL,
  received_at    timestamptz NOT NULL,
  kind           text NOT NULL CHECK (kind IN ('request', 'response')),
  correlation_id text NOT NULL,
  event_id       text NOT NULL,
  event_type     text NOT NULL,
  source         text NOT NULL,
  model_version  text NOT NULL,
  occurred_at    timestamptz NOT NULL,
  attributes     jsonb NOT NULL,
  content_type   text,
  payload        jsonb,
  subject_hash   text,
  sender         text NOT NULL,
  prev_hash      text NOT NULL,
  record_hash    text NOT NULL
) PARTITION BY RANGE (received_at);
-- Chain walks (verification, retention checkpoints) and fetching a half by its position.
CREATE INDEX prediction_events_chain ON prediction_events (model_name, seq);
CREATE TABLE prediction_events_default PARTITION OF prediction_events DEFAULT;

-- The pair index: one row per (model, correlation id), pointing at its halves by chain position.
-- Not chained (it is derived from the chained halves and could be rebuilt from them); it is the
-- global request-id index a partitioned table cannot have, the dedup check for resent halves, and
-- the listing order for predictions(model, version, from, to).
CREATE TABLE prediction_records (
  model_name     text NOT NULL,
  correlation_id text NOT NULL,
  model_version  text NOT NULL,
  first_at       timestamptz NOT NULL,
  request_seq    bigint,
  request_at     timestamptz,
  response_seq   bigint,
  response_at    timestamptz,
  -- Arrival times of the halves: their partition key, so fetching them prunes to their partitions.
  request_received_at  timestamptz,
  response_received_at timestamptz,
  subject_hash   text,
  -- Tie-breaker of the listing order (first_at, id); not unique-indexed, to keep ingest's index
  -- work down.
  id             bigserial NOT NULL,
  -- Request id first: prediction(requestId) without a model uses this index's prefix.
  PRIMARY KEY (correlation_id, model_name)
);
CREATE INDEX prediction_records_model_time ON prediction_records (model_name, model_version, first_at, id);
CREATE INDEX prediction_records_subject ON prediction_records (model_name, subject_hash) WHERE subject_hash IS NOT NULL;

-- Each model's chain head, locked FOR UPDATE by the batch that appends to it, so chain order is
-- strictly serial per model across concurrent batches and replicas.
CREATE TABLE prediction_chain_heads (
  model_name text PRIMARY KEY,
  seq        bigint NOT NULL,
  hash       text NOT NULL
);

-- Per-model settings, changed by setPredictionSettings (audited). Field paths are dotted paths
-- into the payload (`customer.id`, `inputs.0.data`).
CREATE TABLE prediction_model_settings (
  model_name          text PRIMARY KEY,
  redact_fields       text[] NOT NULL DEFAULT '{}',
  pseudonymise_fields text[] NOT NULL DEFAULT '{}',
  -- Free-text fields scanned with the PII text detector; personal data found is pseudonymised.
  scan_text_fields    text[] NOT NULL DEFAULT '{}',
  subject_field       text,
  retention_days      integer CHECK (retention_days > 0),
  min_hourly_volume   integer CHECK (min_hourly_volume >= 0),
  -- Set while the model is below min_hourly_volume, so the governance event is written once per drop.
  volume_alert_since  timestamptz,
  updated_by          text NOT NULL,
  updated_at          timestamptz NOT NULL DEFAULT now()
);

-- Ground truth attached to a prediction (Seldon's feedback shape: truth, reward).
CREATE TABLE prediction_feedback (
  id             bigserial PRIMARY KEY,
  model_name     text NOT NULL,
  correlation_id text NOT NULL,
  truth          jsonb,
  reward         double precision,
  sender         text NOT NULL,
  received_at    timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (correlation_id, model_name) REFERENCES prediction_records (correlation_id, model_name)
);
CREATE INDEX prediction_feedback_record ON prediction_feedback (model_name, correlation_id, id);

-- Left by retention when it drops a partition: the last dropped half of each model's chain, signed
-- (HMAC with the predictions key), so verification resumes from it.
CREATE TABLE prediction_checkpoints (
  model_name  text NOT NULL,
  seq         bigint NOT NULL,
  hash        text NOT NULL,
  dropped_to  timestamptz NOT NULL,
  signature   text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (model_name, seq)
);

-- The HMAC key for pseudonymisation, subject hashes and checkpoint signatures when
-- PREDICTIONS_HMAC_KEY is not set: generated once, shared by every replica.
CREATE TABLE prediction_secrets (
  name  text PRIMARY KEY,
  value text NOT NULL
);
