/**
 * Loads the part of an estate that is not sent over HTTP straight into the lineage tables of
 * migrations/0002 with multi-row INSERTs (unnest of arrays, in chunks), writing the rows ingest
 * would have written for one COMPLETE run of each job: datasets (facets, one schema version, its
 * fields), jobs (one version), runs, run inputs/outputs and job-level edges. No lineage_events rows
 * are written for this part (the raw events are not needed to read the graph).
 *
 * Datasets that only jobs sent over HTTP touch are left out: ingest creates them. Datasets no job
 * touches (unread sources) are loaded, as a catalog's DatasetEvents would have created them.
 *
 * Bulk-load technique (the loading session only): foreign-key checks are skipped
 * (`session_replication_role = replica`, hence a superuser connection; the lineage tables have no
 * triggers) and checked afterwards with one anti-join per foreign key; the secondary indexes of the
 * loaded tables are dropped and recreated afterwards from their own definitions (pg_indexes), so
 * they are exactly those of the migrations. Primary keys and unique constraints stay.
 */
import type { Client } from 'pg';
import { DOMAINS, ENTITY, datasetFields, datasetName, jobName, schemaHash, uuidOf, type Estate } from './estate';

/** Runs loaded by SQL are dated from here, one job per minute. */
export const SQL_EPOCH = Date.parse('2026-01-01T00:00:00Z');
const CHUNK = 20_000;
const LOADED_TABLES = [
  'lineage_datasets',
  'lineage_dataset_versions',
  'lineage_dataset_fields',
  'lineage_jobs',
  'lineage_job_versions',
  'lineage_runs',
  'lineage_run_io',
  'lineage_edges',
];
/** Every foreign key among the loaded tables: [table, column, referenced table]. Nullable columns: NULL passes. */
const FOREIGN_KEYS: [string, string, string][] = [
  ['lineage_datasets', 'current_version_id', 'lineage_dataset_versions'],
  ['lineage_dataset_versions', 'dataset_id', 'lineage_datasets'],
  ['lineage_dataset_fields', 'dataset_id', 'lineage_datasets'],
  ['lineage_jobs', 'current_version_id', 'lineage_job_versions'],
  ['lineage_job_versions', 'job_id', 'lineage_jobs'],
  ['lineage_runs', 'job_id', 'lineage_jobs'],
  ['lineage_runs', 'job_version_id', 'lineage_job_versions'],
  ['lineage_run_io', 'run_id', 'lineage_runs'],
  ['lineage_run_io', 'dataset_id', 'lineage_datasets'],
  ['lineage_run_io', 'dataset_version_id', 'lineage_dataset_versions'],
  ['lineage_edges', 'job_id', 'lineage_jobs'],
  ['lineage_edges', 'dataset_id', 'lineage_datasets'],
];
const SPARK_PRODUCER = 'https://github.com/OpenLineage/OpenLineage/tree/1.20.0/integration/spark';

export interface LoadReport {
  datasets: number;
  jobs: number;
  edges: number;
  runIo: number;
  fields: number;
  /** Secondary indexes dropped before and recreated after the load. */
  indexesRebuilt: number;
  seconds: number;
}

/** Inserts `rows` (column-major: one array per column) with `sql`, whose $1..$n are those arrays, in chunks. */
async function insertColumns(client: Client, sql: string, columns: unknown[][]): Promise<void> {
  const n = columns[0]!.length;
  for (let start = 0; start < n; start += CHUNK) {
    await client.query(
      sql,
      columns.map((c) => c.slice(start, start + CHUNK)),
    );
  }
}

/**
 * Loads every job whose `viaHttp[j]` is 0, and the datasets they touch plus the untouched ones.
 * `progress` is told what was loaded as it goes.
 */
export async function loadEstate(client: Client, estate: Estate, viaHttp: Uint8Array, progress: (line: string) => void): Promise<LoadReport> {
  const started = Date.now();
  const seed = estate.size.seed;
  const ids = (kind: number, n: number) => Array.from({ length: n }, (_, i) => uuidOf(seed, kind, i));
  const datasetIds = ids(ENTITY.dataset, estate.datasetCount);
  const versionIds = ids(ENTITY.datasetVersion, estate.datasetCount);
  const jobIds = ids(ENTITY.job, estate.jobCount);
  const datasetId = (d: number) => datasetIds[d]!;
  const versionId = (d: number) => versionIds[d]!;
  const jobId = (j: number) => jobIds[j]!;
  // Timestamps as text: node-pg's Date conversion is slow at a million values.
  const at = (j: number) => new Date(SQL_EPOCH + j * 60_000).toISOString();
  const epoch = new Date(SQL_EPOCH).toISOString();

  const secondary = await client.query<{ indexname: string; indexdef: string }>(
    `SELECT i.indexname, i.indexdef FROM pg_indexes i
     WHERE i.schemaname = current_schema() AND i.tablename = ANY($1::text[])
       AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`,
    [LOADED_TABLES],
  );
  for (const { indexname } of secondary.rows) await client.query(`DROP INDEX ${indexname}`);
  await client.query(`SET session_replication_role = replica`);

  // Which datasets this part holds: touched by a job loaded here, or by no job at all.
  const touchedBySql = new Uint8Array(estate.datasetCount);
  const touched = new Uint8Array(estate.datasetCount);
  for (let j = 0; j < estate.jobCount; j++) {
    for (let e = estate.jobStart[j]!; e < estate.jobStart[j + 1]!; e++) {
      touched[estate.edgeDataset[e]!] = 1;
      if (!viaHttp[j]) touchedBySql[estate.edgeDataset[e]!] = 1;
    }
  }
  const datasets: number[] = [];
  for (let d = 0; d < estate.datasetCount; d++) if (touchedBySql[d] || !touched[d]) datasets.push(d);

  // Datasets: the facets ingest keeps (schema, dataSource), and a current version per dataset.
  const names = datasets.map((d) => datasetName(estate, d));
  const fields = datasets.map((d) => datasetFields(estate, d));
  const facet = (name: string) => ({ _producer: SPARK_PRODUCER, _schemaURL: `https://openlineage.io/spec/facets/1-0-1/${name}.json#/$defs/${name}` });
  await insertColumns(
    client,
    `INSERT INTO lineage_datasets (id, namespace, name, domain, owner, source_name, source_uri, facets, current_version_id, created_at, updated_at)
     SELECT u.id, u.namespace, u.name, u.domain, u.owner, u.source, u.source, u.facets, u.version_id, u.at, u.at
     FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::jsonb[], $8::timestamptz[], $9::uuid[])
          AS u(id, namespace, name, domain, owner, source, facets, at, version_id)`,
    [
      datasets.map(datasetId),
      names.map((n) => n.namespace),
      names.map((n) => n.name),
      datasets.map((d) => DOMAINS[estate.datasetDomain[d]!]!),
      datasets.map((d) => `team-${DOMAINS[estate.datasetDomain[d]!]!}@acme.example`),
      names.map((n) => (n.namespace.includes('://') ? n.namespace : null)),
      datasets.map((_, i) =>
        JSON.stringify({
          schema: { ...facet('SchemaDatasetFacet'), fields: fields[i] },
          ...(names[i]!.namespace.includes('://')
            ? { dataSource: { ...facet('DatasourceDatasetFacet'), name: names[i]!.namespace, uri: names[i]!.namespace } }
            : {}),
        }),
      ),
      datasets.map(() => epoch),
      datasets.map(versionId),
    ],
  );
  progress(`datasets: ${datasets.length}`);
  await insertColumns(
    client,
    `INSERT INTO lineage_dataset_versions (id, dataset_id, schema_hash, fields, valid_from)
     SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::jsonb[], $5::timestamptz[])`,
    [
      datasets.map(versionId),
      datasets.map(datasetId),
      fields.map(schemaHash),
      fields.map((f) => JSON.stringify(f.map((x) => ({ name: x.name, type: x.type, description: null })))),
      datasets.map(() => epoch),
    ],
  );
  const fieldRows = { dataset: [] as string[], name: [] as string[], type: [] as string[] };
  datasets.forEach((d, i) => {
    for (const f of fields[i]!) {
      fieldRows.dataset.push(datasetId(d));
      fieldRows.name.push(f.name);
      fieldRows.type.push(f.type);
    }
  });
  await insertColumns(client, `INSERT INTO lineage_dataset_fields (dataset_id, name, type) SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[])`, [
    fieldRows.dataset,
    fieldRows.name,
    fieldRows.type,
  ]);
  progress(`dataset versions and fields: ${datasets.length} versions, ${fieldRows.name.length} fields`);

  // Jobs, one version each, one COMPLETE run each.
  const jobs: number[] = [];
  for (let j = 0; j < estate.jobCount; j++) if (!viaHttp[j]) jobs.push(j);
  const jobNames = jobs.map((j) => jobName(estate, j));
  await insertColumns(
    client,
    `INSERT INTO lineage_jobs (id, namespace, name, domain, owner, job_type, facets, current_version_id, created_at, updated_at)
     SELECT u.id, u.namespace, u.name, u.domain, u.owner, 'TASK', u.facets, u.version_id, u.at, u.at
     FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[], $7::timestamptz[], $8::uuid[])
          AS u(id, namespace, name, domain, owner, facets, at, version_id)`,
    [
      jobs.map(jobId),
      jobNames.map((n) => n.namespace),
      jobNames.map((n) => n.name),
      jobs.map((j) => DOMAINS[estate.jobDomain[j]!]!),
      jobs.map((j) => `team-${DOMAINS[estate.jobDomain[j]!]!}@acme.example`),
      jobs.map(() => JSON.stringify({ jobType: { ...facet('JobTypeJobFacet'), processingType: 'BATCH', integration: 'SPARK', jobType: 'TASK' } })),
      jobs.map(at),
      jobs.map((j) => uuidOf(seed, ENTITY.jobVersion, j)),
    ],
  );
  await insertColumns(
    client,
    `INSERT INTO lineage_job_versions (id, job_id, version_hash, valid_from) SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::timestamptz[])`,
    [jobs.map((j) => uuidOf(seed, ENTITY.jobVersion, j)), jobs.map(jobId), jobs.map((j) => `bench-${seed}-${j}`), jobs.map(at)],
  );
  await insertColumns(
    client,
    `INSERT INTO lineage_runs (id, job_id, job_version_id, state, started_at, ended_at, state_event_time)
     SELECT u.id, u.job_id, u.version_id, 'COMPLETE', u.at, u.at + interval '5 minutes', u.at + interval '5 minutes'
     FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::timestamptz[]) AS u(id, job_id, version_id, at)`,
    [jobs.map((j) => uuidOf(seed, ENTITY.run, j)), jobs.map(jobId), jobs.map((j) => uuidOf(seed, ENTITY.jobVersion, j)), jobs.map(at)],
  );
  progress(`jobs: ${jobs.length}, with one version and one COMPLETE run each`);

  // Edges, and the run's inputs/outputs at the datasets' current versions, in job order.
  let edges = 0;
  const batch = { job: [] as string[], run: [] as string[], dataset: [] as string[], version: [] as string[], direction: [] as string[], at: [] as string[] };
  const flush = async () => {
    if (batch.job.length === 0) return;
    await client.query(
      `INSERT INTO lineage_edges (job_id, dataset_id, direction, first_seen, last_seen)
       SELECT u.job_id, u.dataset_id, u.direction, u.at, u.at FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::timestamptz[]) AS u(job_id, dataset_id, direction, at)`,
      [batch.job, batch.dataset, batch.direction, batch.at],
    );
    await client.query(
      `INSERT INTO lineage_run_io (run_id, dataset_id, dataset_version_id, direction) SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[])`,
      [batch.run, batch.dataset, batch.version, batch.direction],
    );
    edges += batch.job.length;
    for (const column of Object.values(batch)) column.length = 0;
  };
  for (const j of jobs) {
    const id = jobId(j);
    const run = uuidOf(seed, ENTITY.run, j);
    const t = at(j);
    for (let e = estate.jobStart[j]!; e < estate.jobStart[j + 1]!; e++) {
      const d = estate.edgeDataset[e]!;
      batch.job.push(id);
      batch.run.push(run);
      batch.dataset.push(datasetId(d));
      batch.version.push(versionId(d));
      batch.direction.push(estate.edgeOutput[e] ? 'output' : 'input');
      batch.at.push(t);
    }
    if (batch.job.length >= CHUNK) {
      await flush();
      if (edges % 200_000 < CHUNK) progress(`edges: ${edges}`);
    }
  }
  await flush();
  progress(`edges: ${edges} (and as many run inputs/outputs)`);
  await client.query(`SET session_replication_role = DEFAULT`);

  for (const [table, column, referenced] of FOREIGN_KEYS) {
    const [row] = (
      await client.query<{ n: string }>(
        `SELECT count(*) AS n FROM ${table} t WHERE t.${column} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${referenced} r WHERE r.id = t.${column})`,
      )
    ).rows;
    if (Number(row!.n) !== 0) throw new Error(`bulk load: ${row!.n} rows of ${table}.${column} reference no ${referenced}`);
  }
  progress(`foreign keys checked: ${FOREIGN_KEYS.length}, no dangling reference`);
  const indexStarted = Date.now();
  for (const { indexdef } of secondary.rows) await client.query(indexdef);
  progress(
    `secondary indexes recreated: ${secondary.rows.length} (${secondary.rows.map((r) => r.indexname).join(', ')}) in ${((Date.now() - indexStarted) / 1000).toFixed(1)} s`,
  );
  const vacuumStarted = Date.now();
  // What autovacuum does after a bulk insert, done now so it does not happen during the measurements:
  // statistics, and the visibility map that lets the walk's index-only scans skip the heap.
  await client.query(`VACUUM (ANALYZE) ${LOADED_TABLES.join(', ')}`);
  progress(`VACUUM (ANALYZE) in ${((Date.now() - vacuumStarted) / 1000).toFixed(1)} s`);
  return {
    datasets: datasets.length,
    jobs: jobs.length,
    edges,
    runIo: edges,
    fields: fieldRows.name.length,
    indexesRebuilt: secondary.rows.length,
    seconds: (Date.now() - started) / 1000,
  };
}
