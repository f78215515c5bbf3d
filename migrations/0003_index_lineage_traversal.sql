-- Indexes for reading the lineage graph (src/lineage/graph/).
--
-- A traversal step takes a node's first N neighbours in id order (the per-node fan-out cap), as of
-- a time T (first_seen <= T). Without first_seen in the index PostgreSQL fetches and sorts every
-- edge of a hub before it can apply the cap: 12 ms for a dataset read by 5,000 jobs, against
-- 0.1 ms for an index-only scan that stops after N + 1 entries. Measured on a synthetic estate of
-- 100,000 datasets, 50,000 jobs and 1,000,000 edges.

-- dataset -> jobs that read it (downstream) or write it (upstream). Replaces
-- lineage_edges_dataset_idx, which has the same key columns.
CREATE INDEX lineage_edges_dataset_walk_idx ON lineage_edges (dataset_id, direction, job_id) INCLUDE (first_seen);
DROP INDEX lineage_edges_dataset_idx;

-- job -> datasets it writes (downstream) or reads (upstream). The primary key has these key
-- columns but cannot carry first_seen.
CREATE INDEX lineage_edges_job_walk_idx ON lineage_edges (job_id, direction, dataset_id) INCLUDE (first_seen);

-- input field -> output fields (downstream column lineage), in a stable order. Replaces
-- lineage_column_edges_input_idx, a prefix of it. Upstream steps use the primary key.
CREATE INDEX lineage_column_edges_walk_idx ON lineage_column_edges (input_dataset_id, input_field, output_dataset_id, output_field) INCLUDE (first_seen);
DROP INDEX lineage_column_edges_input_idx;

-- `datasets(tag: ...)` also finds datasets by a tag on one of their fields (PII:EMAIL_ADDRESS).
CREATE INDEX lineage_dataset_fields_tags_idx ON lineage_dataset_fields USING gin (tags);
