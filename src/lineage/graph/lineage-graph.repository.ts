import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../../database/transaction-host';
import type { WalkDirection, WalkRow, WalkSeed } from './graph-walk';

/** How one walk may spread: levels (edges from the root), per-node fan-out, rows, and as of when. */
export interface WalkBounds {
  maxLevel: number;
  fanOutCap: number;
  /** The walk returns at most this many rows plus one, which tells that it had more. */
  rowLimit: number;
  asOf: Date | null;
}

/** What a graph node shows before its details are asked for: enough to draw it and check access. */
export interface NodeSummaryRow {
  kind: 'd' | 'j';
  id: string;
  namespace: string;
  name: string;
  domain: string;
  owner: string | null;
  tags: string[];
}

export interface FieldSummaryRow {
  dataset_id: string;
  field: string;
  namespace: string;
  name: string;
  domain: string;
  owner: string | null;
  type: string | null;
  tags: string[];
}

export interface NodeRefRow {
  id: string;
  namespace: string;
  name: string;
  domain: string;
  owner: string | null;
  tags: string[];
}

export interface ColumnEdgeData {
  transformations: unknown[];
  masking: boolean;
}

interface JobWalkSqlRow {
  lvl: number;
  dir: WalkDirection;
  kind: 'd' | 'j';
  id: string;
  parent_id: string | null;
  more: boolean;
}

interface ColumnWalkSqlRow {
  lvl: number;
  dir: WalkDirection;
  dataset_id: string;
  field: string;
  parent_dataset_id: string | null;
  parent_field: string | null;
  more: boolean;
  transformations: unknown[] | null;
  masking: boolean | null;
}

// One statement walks the whole traversal. Per-hop round trips cost ~0.3 ms each: a 20-job-hop
// chain is 40 levels, 11-15 ms as one query per level against ~1 ms as this single statement.
// The recursion is bounded three ways: levels (w.lvl < $6), neighbours per node (LIMIT cap + 1 in
// the LATERAL; the extra row only marks that there are more, it is not expanded) and rows (the
// outer LIMIT: PostgreSQL evaluates a recursive query only as far as its consumer reads it).
// UNION drops a step already taken, so cycles end at the level bound; the visited set and node
// budget are applied in memory (graph-walk.ts). Uses the *_walk_idx indexes of migration 0003.
const JOB_WALK_SQL = `
WITH RECURSIVE walk(lvl, dir, kind, id, parent_id, skip, more) AS (
  SELECT s.lvl, s.dir, s.kind, s.id, NULL::uuid, s.skip, false
  FROM unnest($1::text[], $2::uuid[], $3::text[], $4::int[], $5::int[]) AS s(kind, id, dir, lvl, skip)
  UNION
  SELECT w.lvl + 1, w.dir, x.kind, x.id, w.id, 0, x.rn > $7
  FROM walk w
  CROSS JOIN LATERAL (
    SELECT n.kind, n.id, row_number() OVER () AS rn FROM (
      (SELECT 'j'::text AS kind, e.job_id AS id
       FROM lineage_edges e
       WHERE w.kind = 'd' AND e.dataset_id = w.id
         AND e.direction = CASE w.dir WHEN 'down' THEN 'input' ELSE 'output' END
         AND e.first_seen <= $8::timestamptz
       ORDER BY e.job_id OFFSET w.skip LIMIT $7::int + 1)
      UNION ALL
      (SELECT 'd'::text, e.dataset_id
       FROM lineage_edges e
       WHERE w.kind = 'j' AND e.job_id = w.id
         AND e.direction = CASE w.dir WHEN 'down' THEN 'output' ELSE 'input' END
         AND e.first_seen <= $8::timestamptz
       ORDER BY e.dataset_id OFFSET w.skip LIMIT $7::int + 1)
    ) n
  ) x
  WHERE w.lvl < $6 AND NOT w.more
)
SELECT lvl, dir, kind, id, parent_id, more FROM walk LIMIT $9`;

// The same walk over column edges (output field <- input field); a node is (dataset, field).
const COLUMN_WALK_SQL = `
WITH RECURSIVE walk(lvl, dir, dataset_id, field, parent_dataset_id, parent_field, skip, more, transformations, masking) AS (
  SELECT s.lvl, s.dir, s.dataset_id, s.field, NULL::uuid, NULL::text, s.skip, false, NULL::jsonb, NULL::boolean
  FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int[], $5::int[]) AS s(dataset_id, field, dir, lvl, skip)
  UNION
  SELECT w.lvl + 1, w.dir, x.dataset_id, x.field, w.dataset_id, w.field, 0, x.rn > $7, x.transformations, x.masking
  FROM walk w
  CROSS JOIN LATERAL (
    SELECT n.*, row_number() OVER () AS rn FROM (
      (SELECT c.input_dataset_id AS dataset_id, c.input_field AS field, c.transformations, c.masking
       FROM lineage_column_edges c
       WHERE w.dir = 'up' AND c.output_dataset_id = w.dataset_id AND c.output_field = w.field
         AND c.first_seen <= $8::timestamptz
       ORDER BY c.input_dataset_id, c.input_field OFFSET w.skip LIMIT $7::int + 1)
      UNION ALL
      (SELECT c.output_dataset_id, c.output_field, c.transformations, c.masking
       FROM lineage_column_edges c
       WHERE w.dir = 'down' AND c.input_dataset_id = w.dataset_id AND c.input_field = w.field
         AND c.first_seen <= $8::timestamptz
       ORDER BY c.output_dataset_id, c.output_field OFFSET w.skip LIMIT $7::int + 1)
    ) n
  ) x
  WHERE w.lvl < $6 AND NOT w.more
)
SELECT lvl, dir, dataset_id, field, parent_dataset_id, parent_field, more, transformations, masking FROM walk LIMIT $9`;

export interface ModelVersionLinkRow {
  id: string;
  model_name: string;
  version: string;
  stage: string;
  domain: string;
  owner: string;
  dataset_id: string | null;
  job_id: string | null;
}

/** Graph traversal and node lookups. Node keys: `d:<uuid>`, `j:<uuid>`, `f:<uuid>:<field>`. */
@Injectable()
export class LineageGraphRepository {
  constructor(private readonly tx: TransactionHost) {}

  /**
   * Model versions (model registry, migration 0006) trained or evaluated on any of the datasets, or
   * trained by a run of any of the jobs: what an impact answer lists under `models`.
   */
  modelVersionsLinkedTo(datasetIds: string[], jobIds: string[]): Promise<ModelVersionLinkRow[]> {
    return this.tx.query<ModelVersionLinkRow>(
      `SELECT v.id, m.name AS model_name, v.version, v.stage, m.domain, m.owner::text AS owner, l.dataset_id, r.job_id
       FROM model_versions v
       JOIN models m ON m.id = v.model_id
       LEFT JOIN model_version_datasets l ON l.model_version_id = v.id AND l.dataset_id = ANY($1)
       LEFT JOIN lineage_runs r ON r.id = v.training_run_id AND r.job_id = ANY($2)
       WHERE l.dataset_id IS NOT NULL OR r.job_id IS NOT NULL
       ORDER BY m.name, v.version`,
      [datasetIds, jobIds],
    );
  }

  async walkJobGraph(seeds: WalkSeed[], bounds: WalkBounds): Promise<WalkRow[]> {
    const rows = await this.tx.query<JobWalkSqlRow>(JOB_WALK_SQL, [
      seeds.map((s) => s.key.slice(0, 1)),
      seeds.map((s) => s.key.slice(2)),
      seeds.map((s) => s.dir),
      seeds.map((s) => s.lvl),
      seeds.map((s) => s.skip),
      bounds.maxLevel,
      bounds.fanOutCap,
      asOfParam(bounds.asOf),
      bounds.rowLimit + 1,
    ]);
    // The graph is bipartite: a job's parent is a dataset and a dataset's parent a job.
    return rows.map((r) => ({
      lvl: r.lvl,
      dir: r.dir,
      key: `${r.kind}:${r.id}`,
      parent: r.parent_id === null ? null : `${r.kind === 'j' ? 'd' : 'j'}:${r.parent_id}`,
      more: r.more,
    }));
  }

  async walkColumnGraph(seeds: WalkSeed[], bounds: WalkBounds): Promise<WalkRow<ColumnEdgeData>[]> {
    const refs = seeds.map((s) => splitFieldKey(s.key));
    const rows = await this.tx.query<ColumnWalkSqlRow>(COLUMN_WALK_SQL, [
      refs.map((r) => r.datasetId),
      refs.map((r) => r.field),
      seeds.map((s) => s.dir),
      seeds.map((s) => s.lvl),
      seeds.map((s) => s.skip),
      bounds.maxLevel,
      bounds.fanOutCap,
      asOfParam(bounds.asOf),
      bounds.rowLimit + 1,
    ]);
    return rows.map((r) => ({
      lvl: r.lvl,
      dir: r.dir,
      key: fieldKey(r.dataset_id, r.field),
      parent: r.parent_dataset_id === null ? null : fieldKey(r.parent_dataset_id, r.parent_field!),
      more: r.more,
      data: r.parent_dataset_id === null ? undefined : { transformations: r.transformations ?? [], masking: r.masking === true },
    }));
  }

  async findDatasetRef(namespace: string, name: string): Promise<NodeRefRow | null> {
    const rows = await this.tx.query<NodeRefRow>('SELECT id, namespace, name, domain, owner, tags FROM lineage_datasets WHERE namespace = $1 AND name = $2', [
      namespace,
      name,
    ]);
    return rows[0] ?? null;
  }

  async findJobRef(namespace: string, name: string): Promise<NodeRefRow | null> {
    const rows = await this.tx.query<NodeRefRow>(
      `SELECT id, namespace, name, domain, owner, '{}'::text[] AS tags FROM lineage_jobs WHERE namespace = $1 AND name = $2`,
      [namespace, name],
    );
    return rows[0] ?? null;
  }

  /**
   * Datasets among `names` in `namespace` that know `field` (in their schema or in a column edge);
   * resolves `datasetField:` ids whose dataset name contains `:`.
   */
  async findFieldRefs(namespace: string, candidates: { name: string; field: string }[]): Promise<(NodeRefRow & { field: string })[]> {
    return this.tx.query(
      `SELECT d.id, d.namespace, d.name, d.domain, d.owner, COALESCE(f.tags, '{}') AS tags, u.field
       FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS u(name, field, ord)
       JOIN lineage_datasets d ON d.namespace = $1 AND d.name = u.name
       LEFT JOIN lineage_dataset_fields f ON f.dataset_id = d.id AND f.name = u.field
       WHERE f.name IS NOT NULL
          OR EXISTS (SELECT 1 FROM lineage_column_edges c WHERE c.output_dataset_id = d.id AND c.output_field = u.field)
          OR EXISTS (SELECT 1 FROM lineage_column_edges c WHERE c.input_dataset_id = d.id AND c.input_field = u.field)
       ORDER BY u.ord`,
      [namespace, candidates.map((c) => c.name), candidates.map((c) => c.field)],
    );
  }

  /** The fields a dataset's column lineage starts from: its schema and any field in a column edge. */
  async findKnownFields(datasetId: string): Promise<string[]> {
    const rows = await this.tx.query<{ name: string }>(
      `SELECT name FROM lineage_dataset_fields WHERE dataset_id = $1
       UNION SELECT output_field FROM lineage_column_edges WHERE output_dataset_id = $1
       UNION SELECT input_field FROM lineage_column_edges WHERE input_dataset_id = $1
       ORDER BY 1`,
      [datasetId],
    );
    return rows.map((r) => r.name);
  }

  /** One round trip for every dataset and job of an answer. */
  async findNodeSummaries(datasetIds: string[], jobIds: string[]): Promise<NodeSummaryRow[]> {
    if (datasetIds.length === 0 && jobIds.length === 0) return [];
    return this.tx.query<NodeSummaryRow>(
      `SELECT 'd'::text AS kind, id, namespace, name, domain, owner, tags FROM lineage_datasets WHERE id = ANY($1::uuid[])
       UNION ALL
       SELECT 'j'::text, id, namespace, name, domain, owner, '{}'::text[] FROM lineage_jobs WHERE id = ANY($2::uuid[])`,
      [datasetIds, jobIds],
    );
  }

  async findFieldSummaries(fields: { datasetId: string; field: string }[]): Promise<FieldSummaryRow[]> {
    if (fields.length === 0) return [];
    return this.tx.query<FieldSummaryRow>(
      `SELECT u.dataset_id, u.field, d.namespace, d.name, d.domain, d.owner, f.type, COALESCE(f.tags, '{}') AS tags
       FROM unnest($1::uuid[], $2::text[]) AS u(dataset_id, field)
       JOIN lineage_datasets d ON d.id = u.dataset_id
       LEFT JOIN lineage_dataset_fields f ON f.dataset_id = u.dataset_id AND f.name = u.field`,
      [fields.map((f) => f.datasetId), fields.map((f) => f.field)],
    );
  }
}

export function fieldKey(datasetId: string, field: string): string {
  return `f:${datasetId}:${field}`;
}

export function splitFieldKey(key: string): { datasetId: string; field: string } {
  return { datasetId: key.slice(2, 38), field: key.slice(39) };
}

// 'infinity' keeps one plan shape whether or not the caller asked "as of".
function asOfParam(asOf: Date | null): string {
  return asOf ? asOf.toISOString() : 'infinity';
}
