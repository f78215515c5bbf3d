-- Compliance reports (src/reports/): generation jobs and downloads. The pack files live in
-- REPORTS_DIR/<id>/ (pack.pdf, pack.json, manifest.json); the database keeps their hashes so a file
-- can be verified by its pack hash or SHA-256 without trusting what sits on disk.

-- One row per requested pack. target is the node id the pack is about (dataset:<ns>:<name>, or a
-- model version); domain is the target's domain, where report permissions are checked.
-- requested_by is a principal id. progress is 0..100, advanced by the worker. runner names the
-- process that runs the job (host and data directory), so a restart re-queues only its own.
-- generated_at is the time printed in the pack; it is fixed when the job starts so a retried
-- job reproduces the same bytes. files lists {name, sha256, bytes} of the written files.
CREATE TABLE report_jobs (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  kind               text NOT NULL CHECK (kind IN ('model', 'dataset')),
  target             text NOT NULL,
  domain             text NOT NULL,
  period_from        timestamptz NOT NULL,
  period_to          timestamptz NOT NULL,
  status             text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
  progress           smallint NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
  requested_by       text NOT NULL,
  requested_by_label text,
  runner             text,
  generated_at       timestamptz,
  pack_hash          text,
  pdf_sha256         text,
  json_sha256        text,
  files              jsonb NOT NULL DEFAULT '[]'::jsonb,
  error              text,
  created_at         timestamptz NOT NULL DEFAULT now(),
  started_at         timestamptz,
  finished_at        timestamptz,
  CHECK (period_to > period_from)
);
-- reports(...) pages newest first, optionally by kind, status or target.
CREATE INDEX report_jobs_created_idx ON report_jobs (created_at DESC, id DESC);
CREATE INDEX report_jobs_target_idx ON report_jobs (target, created_at DESC);
-- verifyReport finds a pack by the hash a PDF carries.
CREATE INDEX report_jobs_pack_hash_idx ON report_jobs (pack_hash) WHERE pack_hash IS NOT NULL;
-- Boot re-queues unfinished jobs.
CREATE INDEX report_jobs_unfinished_idx ON report_jobs (status) WHERE status IN ('queued', 'running');

-- Who downloaded which file of which pack, and when (also in the governance audit log).
CREATE TABLE report_downloads (
  id             bigserial PRIMARY KEY,
  report_id      uuid NOT NULL REFERENCES report_jobs (id),
  file           text NOT NULL CHECK (file IN ('pdf', 'json', 'manifest')),
  principal_id   text NOT NULL,
  principal_label text,
  downloaded_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX report_downloads_report_idx ON report_downloads (report_id, downloaded_at DESC);

-- Dataset access packs read a dataset's denials and sensitivity changes from the governance audit
-- log by target and time; without this they would scan every event of those actions.
CREATE INDEX governance_audit_events_target_idx ON governance_audit_events (target, occurred_at) WHERE target IS NOT NULL;
