import type { TestDatabase } from './database';

export interface SeedField {
  name: string;
  type?: string;
  tags?: string[];
}

export interface SeedDataset {
  domain?: string;
  owner?: string;
  tags?: string[];
  /** Current fields (with tags). */
  fields?: SeedField[];
  /** Schema versions, oldest first; the newest becomes current. */
  versions?: { validFrom: string; fields: SeedField[] }[];
  facets?: Record<string, unknown>;
}

export interface SeedJob {
  inputs?: string[];
  outputs?: string[];
  /** Event time the edges were first seen. */
  seenAt?: string;
  domain?: string;
  owner?: string;
  jobType?: string;
  facets?: Record<string, unknown>;
}

/**
 * Writes lineage rows straight into the 0002 tables, the way ingest stores them, so the read side
 * can be tested on exact graphs. Datasets and jobs are named `namespace:name` (the first colon
 * splits).
 */
export class LineageSeed {
  private readonly ids = new Map<string, string>();

  constructor(private readonly db: TestDatabase) {}

  id(ref: string): string {
    const id = this.ids.get(ref);
    if (!id) throw new Error(`not seeded: ${ref}`);
    return id;
  }

  async dataset(ref: string, d: SeedDataset = {}): Promise<string> {
    const { namespace, name } = split(ref);
    const [row] = await this.db.query<{ id: string }>(
      `INSERT INTO lineage_datasets (namespace, name, domain, owner, tags, facets) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [namespace, name, d.domain ?? '*', d.owner ?? null, d.tags ?? [], JSON.stringify(d.facets ?? {})],
    );
    const id = row!.id;
    this.ids.set(ref, id);
    let current: string | null = null;
    for (const [i, v] of (d.versions ?? []).entries()) {
      const fields = v.fields.map((f) => ({ name: f.name, type: f.type ?? 'STRING', description: null }));
      const [version] = await this.db.query<{ id: string }>(
        `INSERT INTO lineage_dataset_versions (dataset_id, schema_hash, fields, valid_from) VALUES ($1, $2, $3, $4) RETURNING id`,
        [id, `hash-${i}`, JSON.stringify(fields), v.validFrom],
      );
      current = version!.id;
    }
    if (current) await this.db.query('UPDATE lineage_datasets SET current_version_id = $2 WHERE id = $1', [id, current]);
    const fields = d.fields ?? d.versions?.at(-1)?.fields ?? [];
    for (const f of fields) {
      await this.db.query('INSERT INTO lineage_dataset_fields (dataset_id, name, type, tags) VALUES ($1, $2, $3, $4)', [
        id,
        f.name,
        f.type ?? 'STRING',
        f.tags ?? [],
      ]);
    }
    return id;
  }

  /** A job with its edges; datasets not seeded yet are created with defaults. */
  async job(ref: string, j: SeedJob = {}): Promise<string> {
    const { namespace, name } = split(ref);
    const seenAt = j.seenAt ?? '2024-01-01T00:00:00Z';
    const [row] = await this.db.query<{ id: string }>(
      `INSERT INTO lineage_jobs (namespace, name, domain, owner, job_type, facets) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [namespace, name, j.domain ?? '*', j.owner ?? null, j.jobType ?? null, JSON.stringify(j.facets ?? {})],
    );
    const id = row!.id;
    this.ids.set(ref, id);
    const [version] = await this.db.query<{ id: string }>(
      `INSERT INTO lineage_job_versions (job_id, version_hash, valid_from) VALUES ($1, 'v1', $2) RETURNING id`,
      [id, seenAt],
    );
    await this.db.query('UPDATE lineage_jobs SET current_version_id = $2 WHERE id = $1', [id, version!.id]);
    for (const [direction, refs] of [
      ['input', j.inputs ?? []],
      ['output', j.outputs ?? []],
    ] as const) {
      for (const dataset of refs) {
        if (!this.ids.has(dataset)) await this.dataset(dataset);
        await this.db.query(`INSERT INTO lineage_edges (job_id, dataset_id, direction, first_seen, last_seen) VALUES ($1, $2, $3, $4, $4)`, [
          id,
          this.id(dataset),
          direction,
          seenAt,
        ]);
      }
    }
    return id;
  }

  /** `output` field computed from `input` field, e.g. columnEdge('shop:clean.orders', 'email', 'shop:raw.orders', 'email'). */
  async columnEdge(output: string, outputField: string, input: string, inputField: string, o: { masking?: boolean; seenAt?: string } = {}): Promise<void> {
    const transformations = [{ type: 'DIRECT', subtype: o.masking ? 'TRANSFORMATION' : 'IDENTITY', masking: o.masking ?? false }];
    await this.db.query(
      `INSERT INTO lineage_column_edges (output_dataset_id, output_field, input_dataset_id, input_field, transformations, masking, first_seen, last_seen)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $7)`,
      [this.id(output), outputField, this.id(input), inputField, JSON.stringify(transformations), o.masking ?? false, o.seenAt ?? '2024-01-01T00:00:00Z'],
    );
  }

  /** A completed run of a job that read `inputs` and wrote `outputs` at their current versions. */
  async run(job: string, runId: string, r: { inputs?: string[]; outputs?: string[]; startedAt: string; endedAt?: string; state?: string }): Promise<void> {
    const jobId = this.id(job);
    await this.db.query(
      `INSERT INTO lineage_runs (id, job_id, job_version_id, state, started_at, ended_at, state_event_time)
       SELECT $1, $2, current_version_id, $3, $4::timestamptz, $5::timestamptz, COALESCE($5::timestamptz, $4::timestamptz) FROM lineage_jobs WHERE id = $2`,
      [runId, jobId, r.state ?? 'COMPLETE', r.startedAt, r.endedAt ?? null],
    );
    for (const [direction, refs] of [
      ['input', r.inputs ?? []],
      ['output', r.outputs ?? []],
    ] as const) {
      for (const dataset of refs) {
        await this.db.query(
          `INSERT INTO lineage_run_io (run_id, dataset_id, dataset_version_id, direction) SELECT $1, id, current_version_id, $3 FROM lineage_datasets WHERE id = $2`,
          [runId, this.id(dataset), direction],
        );
      }
    }
  }

  /** A dataset read by `jobs` jobs, each writing one dataset of its own: a hub past the fan-out cap. */
  async hub(ref: string, jobs: number): Promise<void> {
    await this.dataset(ref);
    const { namespace, name } = split(ref);
    await this.db.query(
      `WITH j AS (
         INSERT INTO lineage_jobs (namespace, name) SELECT $1, $2 || '.reader_' || lpad(i::text, 4, '0') FROM generate_series(1, $3) i RETURNING id, name
       ), d AS (
         INSERT INTO lineage_datasets (namespace, name) SELECT $1, j.name || '.out' FROM j RETURNING id, name
       ), e_in AS (
         INSERT INTO lineage_edges (job_id, dataset_id, direction, first_seen, last_seen) SELECT j.id, $4::uuid, 'input', '2024-01-01', '2024-01-01' FROM j
       )
       INSERT INTO lineage_edges (job_id, dataset_id, direction, first_seen, last_seen)
       SELECT j.id, d.id, 'output', '2024-01-01', '2024-01-01' FROM j JOIN d ON d.name = j.name || '.out'`,
      [namespace, name, jobs, this.id(ref)],
    );
  }

  /** A straight chain ns:prefix.0 -> job -> ns:prefix.1 -> ... of `length` datasets. */
  async chain(namespace: string, prefix: string, length: number): Promise<void> {
    for (let i = 0; i + 1 < length; i++) {
      await this.job(`${namespace}:${prefix}.step${i}`, { inputs: [`${namespace}:${prefix}.${i}`], outputs: [`${namespace}:${prefix}.${i + 1}`] });
    }
  }
}

function split(ref: string): { namespace: string; name: string } {
  const colon = ref.indexOf(':');
  return { namespace: ref.slice(0, colon), name: ref.slice(colon + 1) };
}
