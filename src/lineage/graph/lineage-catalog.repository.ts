import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../../database/transaction-host';

export interface FieldRow {
  name: string;
  type: string | null;
  description: string | null;
  tags?: string[];
}

export interface DatasetDetailsRow {
  id: string;
  namespace: string;
  name: string;
  domain: string;
  owner: string | null;
  description: string | null;
  source_name: string | null;
  source_uri: string | null;
  tags: string[];
  sensitivity: string;
  facets: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
  /** The version current as of the asked time; null when the dataset had no schema then. */
  version_id: string | null;
  version_valid_from: Date | null;
  version_fields: FieldRow[] | null;
  /** Current fields with their tags (tags live on the current fields only). */
  current_fields: Required<FieldRow>[];
  /** Last time a run wrote the dataset (Marquez's lastModifiedAt). */
  last_modified_at: Date | null;
}

export interface JobDetailsRow {
  id: string;
  namespace: string;
  name: string;
  domain: string;
  owner: string | null;
  description: string | null;
  job_type: string | null;
  facets: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
  version_id: string | null;
  version_valid_from: Date | null;
}

export interface RunRow {
  id: string;
  job_id: string;
  job_version_id: string | null;
  state: string;
  started_at: Date | null;
  ended_at: Date | null;
  nominal_start_time: Date | null;
  nominal_end_time: Date | null;
  parent_run_id: string | null;
  error_message: string | null;
  facets: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
}

export interface RunIoRow {
  run_id: string;
  direction: 'input' | 'output';
  dataset_version_id: string | null;
  id: string;
  namespace: string;
  name: string;
  domain: string;
  owner: string | null;
  tags: string[];
}

export interface DatasetListRow {
  id: string;
  namespace: string;
  name: string;
  domain: string;
  updated_at_key: string;
}

export type DatasetSortKey = 'NAME' | 'UPDATED_AT';

export interface DatasetSearch {
  namespace?: string | null;
  namePrefix?: string | null;
  tag?: string | null;
  owner?: string | null;
  domain?: string | null;
  sensitivity?: string | null;
  sort: DatasetSortKey;
  /** Keyset position: [namespace, name] for NAME, [updated_at, id] for UPDATED_AT. */
  after?: [string, string] | null;
}

const RUN_COLUMNS = `r.id, r.job_id, r.job_version_id, r.state, r.started_at, r.ended_at, r.nominal_start_time, r.nominal_end_time,
  r.parent_run_id, r.error_message, r.facets, r.created_at, r.updated_at`;

/** Datasets, jobs and runs by id or name, dataset search, and the curation updates. */
@Injectable()
export class LineageCatalogRepository {
  constructor(private readonly tx: TransactionHost) {}

  async findDatasetDetails(ids: string[], asOf: Date | null): Promise<DatasetDetailsRow[]> {
    if (ids.length === 0) return [];
    return this.tx.query<DatasetDetailsRow>(
      `SELECT d.id, d.namespace, d.name, d.domain, d.owner, d.description, d.source_name, d.source_uri, d.tags, d.sensitivity, d.facets,
              d.created_at, d.updated_at, v.id AS version_id, v.valid_from AS version_valid_from, v.fields AS version_fields,
              COALESCE((SELECT jsonb_agg(jsonb_build_object('name', f.name, 'type', f.type, 'description', f.description, 'tags', f.tags) ORDER BY f.name)
                        FROM lineage_dataset_fields f WHERE f.dataset_id = d.id), '[]'::jsonb) AS current_fields,
              (SELECT max(e.last_seen) FROM lineage_edges e WHERE e.dataset_id = d.id AND e.direction = 'output') AS last_modified_at
       FROM lineage_datasets d
       LEFT JOIN LATERAL (
         SELECT v.id, v.valid_from, v.fields FROM lineage_dataset_versions v
         WHERE v.dataset_id = d.id AND v.valid_from <= $2::timestamptz
         ORDER BY v.valid_from DESC, v.id LIMIT 1
       ) v ON true
       WHERE d.id = ANY($1::uuid[])`,
      [ids, asOf ? asOf.toISOString() : 'infinity'],
    );
  }

  async findJobDetails(ids: string[], asOf: Date | null): Promise<JobDetailsRow[]> {
    if (ids.length === 0) return [];
    return this.tx.query<JobDetailsRow>(
      `SELECT j.id, j.namespace, j.name, j.domain, j.owner, j.description, j.job_type, j.facets, j.created_at, j.updated_at,
              v.id AS version_id, v.valid_from AS version_valid_from
       FROM lineage_jobs j
       LEFT JOIN LATERAL (
         SELECT v.id, v.valid_from FROM lineage_job_versions v
         WHERE v.job_id = j.id AND v.valid_from <= $2::timestamptz
         ORDER BY v.valid_from DESC, v.id LIMIT 1
       ) v ON true
       WHERE j.id = ANY($1::uuid[])`,
      [ids, asOf ? asOf.toISOString() : 'infinity'],
    );
  }

  async findDatasetId(namespace: string, name: string): Promise<string | null> {
    const rows = await this.tx.query<{ id: string }>('SELECT id FROM lineage_datasets WHERE namespace = $1 AND name = $2', [namespace, name]);
    return rows[0]?.id ?? null;
  }

  async findJobId(namespace: string, name: string): Promise<string | null> {
    const rows = await this.tx.query<{ id: string }>('SELECT id FROM lineage_jobs WHERE namespace = $1 AND name = $2', [namespace, name]);
    return rows[0]?.id ?? null;
  }

  /** Up to `limit` datasets after the keyset position, in the asked order. */
  async searchDatasets(search: DatasetSearch, limit: number): Promise<DatasetListRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: (...p: string[]) => string, ...values: unknown[]) => {
      const refs = values.map((v) => {
        params.push(v);
        return `$${params.length}`;
      });
      where.push(sql(...refs));
    };
    if (search.namespace) add((p) => `d.namespace = ${p}`, search.namespace);
    // text_pattern_ops index on name; LIKE's own wildcards in the prefix are escaped.
    if (search.namePrefix) add((p) => `d.name LIKE ${p}`, `${search.namePrefix.replace(/[\\%_]/g, '\\$&')}%`);
    if (search.tag)
      add((p) => `(d.tags @> ARRAY[${p}::text] OR d.id IN (SELECT f.dataset_id FROM lineage_dataset_fields f WHERE f.tags @> ARRAY[${p}::text]))`, search.tag);
    if (search.owner) add((p) => `d.owner = ${p}`, search.owner);
    if (search.domain) add((p) => `d.domain = ${p}`, search.domain);
    if (search.sensitivity) add((p) => `d.sensitivity = ${p}`, search.sensitivity);
    const byName = search.sort === 'NAME';
    if (search.after) {
      if (byName) add((a, b) => `(d.namespace, d.name) > (${a}, ${b})`, ...search.after);
      else add((a, b) => `(d.updated_at, d.id) < (${a}::timestamptz, ${b}::uuid)`, ...search.after);
    }
    params.push(limit);
    return this.tx.query<DatasetListRow>(
      `SELECT d.id, d.namespace, d.name, d.domain,
              to_char(d.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS updated_at_key
       FROM lineage_datasets d
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY ${byName ? 'd.namespace, d.name' : 'd.updated_at DESC, d.id DESC'}
       LIMIT $${params.length}`,
      params,
    );
  }

  async findRuns(ids: string[]): Promise<RunRow[]> {
    if (ids.length === 0) return [];
    return this.tx.query<RunRow>(`SELECT ${RUN_COLUMNS} FROM lineage_runs r WHERE r.id = ANY($1::uuid[])`, [ids]);
  }

  /**
   * Each job's latest run: the most recently started, or one known only from a terminal event
   * (no start) if that event is later. Both lookups use lineage_runs_job_idx (started_at DESC puts
   * the runs without a start first), so a job with years of daily runs costs two index probes.
   */
  async findLatestRuns(jobIds: string[]): Promise<RunRow[]> {
    if (jobIds.length === 0) return [];
    return this.tx.query<RunRow>(
      `SELECT ${RUN_COLUMNS}
       FROM unnest($1::uuid[]) AS j(id)
       CROSS JOIN LATERAL (
         SELECT c.* FROM (
           (SELECT * FROM lineage_runs s WHERE s.job_id = j.id AND s.started_at IS NOT NULL ORDER BY s.started_at DESC LIMIT 1)
           UNION ALL
           (SELECT * FROM lineage_runs s WHERE s.job_id = j.id AND s.started_at IS NULL ORDER BY s.state_event_time DESC LIMIT 1)
         ) c
         ORDER BY COALESCE(c.started_at, c.state_event_time) DESC LIMIT 1
       ) r`,
      [jobIds],
    );
  }

  async findRunIo(runIds: string[]): Promise<RunIoRow[]> {
    if (runIds.length === 0) return [];
    return this.tx.query<RunIoRow>(
      `SELECT io.run_id, io.direction, io.dataset_version_id, d.id, d.namespace, d.name, d.domain, d.owner, d.tags
       FROM lineage_run_io io JOIN lineage_datasets d ON d.id = io.dataset_id
       WHERE io.run_id = ANY($1::uuid[])
       ORDER BY io.run_id, io.direction, d.namespace, d.name`,
      [runIds],
    );
  }

  /** Locks the dataset row for the rest of the mutation's transaction. */
  async lockDataset(namespace: string, name: string): Promise<{ id: string; domain: string; owner: string | null; tags: string[] } | null> {
    const rows = await this.tx.query<{ id: string; domain: string; owner: string | null; tags: string[] }>(
      'SELECT id, domain, owner, tags FROM lineage_datasets WHERE namespace = $1 AND name = $2 FOR UPDATE',
      [namespace, name],
    );
    return rows[0] ?? null;
  }

  async lockJob(namespace: string, name: string): Promise<{ id: string; domain: string; owner: string | null } | null> {
    const rows = await this.tx.query<{ id: string; domain: string; owner: string | null }>(
      'SELECT id, domain, owner FROM lineage_jobs WHERE namespace = $1 AND name = $2 FOR UPDATE',
      [namespace, name],
    );
    return rows[0] ?? null;
  }

  async lockDatasetField(datasetId: string, field: string): Promise<{ tags: string[] } | null> {
    const rows = await this.tx.query<{ tags: string[] }>('SELECT tags FROM lineage_dataset_fields WHERE dataset_id = $1 AND name = $2 FOR UPDATE', [
      datasetId,
      field,
    ]);
    return rows[0] ?? null;
  }

  async updateDataset(id: string, change: { tags?: string[]; owner?: string | null; domain?: string }): Promise<void> {
    await this.tx.query(
      `UPDATE lineage_datasets SET
         tags = CASE WHEN $2::boolean THEN $3::text[] ELSE tags END,
         owner = CASE WHEN $4::boolean THEN $5::text ELSE owner END,
         domain = CASE WHEN $6::boolean THEN $7::text ELSE domain END,
         updated_at = now()
       WHERE id = $1`,
      [id, 'tags' in change, change.tags ?? null, 'owner' in change, change.owner ?? null, 'domain' in change, change.domain ?? null],
    );
  }

  async updateDatasetFieldTags(datasetId: string, field: string, tags: string[]): Promise<void> {
    await this.tx.query('UPDATE lineage_dataset_fields SET tags = $3 WHERE dataset_id = $1 AND name = $2', [datasetId, field, tags]);
  }

  async updateJob(id: string, change: { owner?: string | null; domain?: string }): Promise<void> {
    await this.tx.query(
      `UPDATE lineage_jobs SET
         owner = CASE WHEN $2::boolean THEN $3::text ELSE owner END,
         domain = CASE WHEN $4::boolean THEN $5::text ELSE domain END,
         updated_at = now()
       WHERE id = $1`,
      [id, 'owner' in change, change.owner ?? null, 'domain' in change, change.domain ?? null],
    );
  }

  /** What access rules need about datasets: tags include every current field's tags (where PII scans put `PII:<TYPE>`). */
  async findDatasetFacts(where: { ids: string[] } | { namespace: string; name: string }): Promise<DatasetFactsRow[]> {
    const [condition, params] = 'ids' in where ? ['d.id = ANY($1::uuid[])', [where.ids]] : ['d.namespace = $1 AND d.name = $2', [where.namespace, where.name]];
    return this.tx.query<DatasetFactsRow>(
      `SELECT d.id, d.namespace, d.name, d.domain, d.owner, d.sensitivity,
              ARRAY(SELECT DISTINCT t FROM (SELECT unnest(d.tags) AS t
                                            UNION SELECT unnest(f.tags) FROM lineage_dataset_fields f WHERE f.dataset_id = d.id) tags ORDER BY t) AS tags
         FROM lineage_datasets d
        WHERE ${condition}`,
      params,
    );
  }
}

export interface DatasetFactsRow {
  id: string;
  namespace: string;
  name: string;
  domain: string;
  owner: string | null;
  sensitivity: 'public' | 'internal' | 'confidential' | 'restricted';
  tags: string[];
}
