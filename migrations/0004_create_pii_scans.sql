-- PII scanning service (src/pii/service/): scan jobs, reviewer verdicts, and each dataset's
-- sensitivity. The offline scanner (src/pii/) stores nothing; this is what the API keeps.

-- One row per uploaded file. The file itself is deleted once scanned: only its SHA-256 is kept,
-- so a result can be tied to the exact bytes without Charter holding the personal data.
-- requested_by is a principal id or an API key id (principals and keys live in different tables,
-- hence no foreign key). result is the per-column report (the CLI's --json shape plus the tags
-- applied); null until the scan succeeds. runner names the process that holds the upload
-- (host and data directory): after a crash, only that process can tell its scans are lost.
CREATE TABLE pii_scans (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  dataset_id    uuid NOT NULL REFERENCES lineage_datasets (id),
  requested_by  text NOT NULL,
  status        text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
  error         text,
  file_name     text,
  file_sha256   text NOT NULL,
  size_bytes    bigint NOT NULL,
  format        text NOT NULL CHECK (format IN ('csv', 'jsonl', 'parquet')),
  runner        text NOT NULL,
  rows          bigint,
  sampled       integer,
  sample_method text,
  sensitivity   text CHECK (sensitivity IN ('public', 'internal', 'confidential', 'restricted')),
  result        jsonb,
  created_at    timestamptz NOT NULL DEFAULT now(),
  started_at    timestamptz,
  finished_at   timestamptz
);
-- piiScans(namespace, name) pages newest first.
CREATE INDEX pii_scans_dataset_idx ON pii_scans (dataset_id, created_at DESC, id DESC);

-- A data owner's decision on one finding. Kept apart from scans so it survives every rescan:
-- a rejected finding is never tagged again, a confirmed one stays tagged even if a rescan misses it.
CREATE TABLE pii_verdicts (
  dataset_id  uuid NOT NULL REFERENCES lineage_datasets (id),
  column_name text NOT NULL,
  entity_type text NOT NULL,
  verdict     text NOT NULL CHECK (verdict IN ('confirmed', 'rejected')),
  decided_by  text NOT NULL,
  decided_at  timestamptz NOT NULL DEFAULT now(),
  note        text,
  PRIMARY KEY (dataset_id, column_name, entity_type)
);
-- piiDetectorPrecision aggregates over all verdicts by type.
CREATE INDEX pii_verdicts_type_idx ON pii_verdicts (entity_type, verdict);

-- Derived from the latest successful scan by policies/pii-thresholds.yaml; access-request rules
-- read it. 'internal' until a scan says otherwise: an unscanned dataset is not public.
ALTER TABLE lineage_datasets
  ADD COLUMN sensitivity text NOT NULL DEFAULT 'internal' CHECK (sensitivity IN ('public', 'internal', 'confidential', 'restricted')),
  ADD COLUMN sensitivity_updated_at timestamptz;
