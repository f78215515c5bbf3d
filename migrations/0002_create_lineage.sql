-- Lineage graph fed by OpenLineage events: datasets, jobs, runs, their versions, and the edges
-- between them (job level and column level). Node identity is (namespace, name), as in
-- OpenLineage and Marquez.

-- Every accepted event, kept as sent. event_hash (sha256 of its canonical JSON) makes a resent
-- event a no-op; source says which credential sent it.
CREATE TABLE lineage_events (
  id          bigserial PRIMARY KEY,
  event_hash  text NOT NULL UNIQUE,
  event_kind  text NOT NULL CHECK (event_kind IN ('run', 'dataset', 'job')),
  event_type  text,
  event_time  timestamptz NOT NULL,
  run_id      uuid,
  job_namespace text,
  job_name    text,
  payload     jsonb NOT NULL,
  source      text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX lineage_events_run_idx ON lineage_events (run_id, event_time);

CREATE TABLE lineage_datasets (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  namespace          text NOT NULL,
  name               text NOT NULL,
  domain             text NOT NULL DEFAULT '*',
  owner              text,
  description        text,
  source_name        text,
  source_uri         text,
  tags               text[] NOT NULL DEFAULT '{}',
  facets             jsonb NOT NULL DEFAULT '{}'::jsonb,
  current_version_id uuid,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  UNIQUE (namespace, name)
);
CREATE INDEX lineage_datasets_name_idx ON lineage_datasets (name text_pattern_ops);
CREATE INDEX lineage_datasets_tags_idx ON lineage_datasets USING gin (tags);
CREATE INDEX lineage_datasets_owner_idx ON lineage_datasets (owner);

-- A new version whenever the schema (field names and types) changes; valid_from is the event
-- time it was first seen, so "as of T" picks the newest version with valid_from <= T.
CREATE TABLE lineage_dataset_versions (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  dataset_id  uuid NOT NULL REFERENCES lineage_datasets (id),
  schema_hash text NOT NULL,
  fields      jsonb NOT NULL DEFAULT '[]'::jsonb,
  valid_from  timestamptz NOT NULL,
  run_id      uuid,
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (dataset_id, schema_hash)
);
CREATE INDEX lineage_dataset_versions_time_idx ON lineage_dataset_versions (dataset_id, valid_from DESC);
ALTER TABLE lineage_datasets
  ADD CONSTRAINT lineage_datasets_current_version_fk FOREIGN KEY (current_version_id) REFERENCES lineage_dataset_versions (id);

-- The current fields of a dataset, where tags such as PII:EMAIL_ADDRESS live.
CREATE TABLE lineage_dataset_fields (
  dataset_id  uuid NOT NULL REFERENCES lineage_datasets (id),
  name        text NOT NULL,
  type        text,
  description text,
  tags        text[] NOT NULL DEFAULT '{}',
  PRIMARY KEY (dataset_id, name)
);

CREATE TABLE lineage_jobs (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  namespace          text NOT NULL,
  name               text NOT NULL,
  domain             text NOT NULL DEFAULT '*',
  owner              text,
  description        text,
  job_type           text,
  facets             jsonb NOT NULL DEFAULT '{}'::jsonb,
  current_version_id uuid,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  UNIQUE (namespace, name)
);
CREATE INDEX lineage_jobs_name_idx ON lineage_jobs (name text_pattern_ops);

-- A job version is identified by its code/SQL facets and its declared inputs and outputs.
CREATE TABLE lineage_job_versions (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  job_id       uuid NOT NULL REFERENCES lineage_jobs (id),
  version_hash text NOT NULL,
  facets       jsonb NOT NULL DEFAULT '{}'::jsonb,
  valid_from   timestamptz NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (job_id, version_hash)
);
CREATE INDEX lineage_job_versions_time_idx ON lineage_job_versions (job_id, valid_from DESC);
ALTER TABLE lineage_jobs
  ADD CONSTRAINT lineage_jobs_current_version_fk FOREIGN KEY (current_version_id) REFERENCES lineage_job_versions (id);

-- Runs only move forward: OTHER < START < RUNNING < COMPLETE, ABORT, FAIL.
CREATE FUNCTION lineage_run_state_rank(state text) RETURNS integer LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE state WHEN 'OTHER' THEN 0 WHEN 'START' THEN 1 WHEN 'RUNNING' THEN 2 ELSE 3 END
$$;

-- One row per OpenLineage run, whatever order its events arrive in: a terminal state
-- (COMPLETE, FAIL, ABORT) is never replaced by START or RUNNING.
CREATE TABLE lineage_runs (
  id                 uuid PRIMARY KEY,
  job_id             uuid NOT NULL REFERENCES lineage_jobs (id),
  job_version_id     uuid REFERENCES lineage_job_versions (id),
  state              text NOT NULL CHECK (state IN ('START', 'RUNNING', 'COMPLETE', 'ABORT', 'FAIL', 'OTHER')),
  started_at         timestamptz,
  ended_at           timestamptz,
  nominal_start_time timestamptz,
  nominal_end_time   timestamptz,
  parent_run_id      uuid,
  error_message      text,
  facets             jsonb NOT NULL DEFAULT '{}'::jsonb,
  state_event_time   timestamptz NOT NULL,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX lineage_runs_job_idx ON lineage_runs (job_id, started_at DESC);
CREATE INDEX lineage_runs_parent_idx ON lineage_runs (parent_run_id) WHERE parent_run_id IS NOT NULL;

-- Which dataset versions a run read and wrote.
CREATE TABLE lineage_run_io (
  run_id             uuid NOT NULL REFERENCES lineage_runs (id),
  dataset_id         uuid NOT NULL REFERENCES lineage_datasets (id),
  dataset_version_id uuid REFERENCES lineage_dataset_versions (id),
  direction          text NOT NULL CHECK (direction IN ('input', 'output')),
  PRIMARY KEY (run_id, dataset_id, direction)
);
CREATE INDEX lineage_run_io_dataset_idx ON lineage_run_io (dataset_id, direction);

-- Job-level graph edges, aggregated over runs, for traversal: input dataset -> job -> output
-- dataset. first_seen/last_seen (event times) answer "as of T".
CREATE TABLE lineage_edges (
  job_id     uuid NOT NULL REFERENCES lineage_jobs (id),
  dataset_id uuid NOT NULL REFERENCES lineage_datasets (id),
  direction  text NOT NULL CHECK (direction IN ('input', 'output')),
  first_seen timestamptz NOT NULL,
  last_seen  timestamptz NOT NULL,
  PRIMARY KEY (job_id, direction, dataset_id)
);
CREATE INDEX lineage_edges_dataset_idx ON lineage_edges (dataset_id, direction, job_id);

-- Column-level lineage from the columnLineage facet: output field <- input field.
CREATE TABLE lineage_column_edges (
  output_dataset_id uuid NOT NULL REFERENCES lineage_datasets (id),
  output_field      text NOT NULL,
  input_dataset_id  uuid NOT NULL REFERENCES lineage_datasets (id),
  input_field       text NOT NULL,
  transformations   jsonb NOT NULL DEFAULT '[]'::jsonb,
  masking           boolean NOT NULL DEFAULT false,
  first_seen        timestamptz NOT NULL,
  last_seen         timestamptz NOT NULL,
  PRIMARY KEY (output_dataset_id, output_field, input_dataset_id, input_field)
);
CREATE INDEX lineage_column_edges_input_idx ON lineage_column_edges (input_dataset_id, input_field);
