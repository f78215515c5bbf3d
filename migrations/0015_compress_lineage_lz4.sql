-- Ingest stores every OpenLineage event as sent (lineage_events.payload, ~20 KiB on average, up to
-- the 1 MiB body limit) and rewrites run facets on every event. PostgreSQL's default TOAST
-- compression (pglz) took about twice lz4's CPU for these documents (0.27 against 0.13 ms per
-- 23 KiB event, measured on PostgreSQL 15), on the one serial writer that group commit leaves. Only
-- values written from now on are compressed with lz4; existing ones stay readable as they are, and
-- nothing is rewritten (the ALTERs take a brief lock, no table scan).
-- A server built without lz4 refuses the method (feature_not_supported): it keeps pglz.
DO $$
BEGIN
  ALTER TABLE lineage_events ALTER COLUMN payload SET COMPRESSION lz4;
  ALTER TABLE lineage_runs ALTER COLUMN facets SET COMPRESSION lz4;
  ALTER TABLE lineage_datasets ALTER COLUMN facets SET COMPRESSION lz4;
  ALTER TABLE lineage_dataset_versions ALTER COLUMN fields SET COMPRESSION lz4;
  ALTER TABLE lineage_jobs ALTER COLUMN facets SET COMPRESSION lz4;
  ALTER TABLE lineage_job_versions ALTER COLUMN facets SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
  RAISE NOTICE 'lz4 is not available on this server: lineage documents keep the default compression';
END
$$;
