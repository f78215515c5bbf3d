import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../../database/transaction-host';
import { keyOf, type IngestBatch } from './ingest-batch';
import type { DatasetKey, DatasetPlan, IngestPlan } from './ingest-plan';

/** `(namespace, name)` → id, and job version `(job id, hash)` → id. */
export type IdMap = Map<string, string>;

/**
 * Writes merged ingest batches. Each method is one statement over all rows of its kind (unnest of
 * arrays), so a batch costs a fixed number of round trips whatever its number of events.
 */
@Injectable()
export class LineageIngestRepository {
  constructor(private readonly tx: TransactionHost) {}

  /** Records the events; returns the hashes that were new (an event sent before is skipped). */
  async insertEvents(events: { plan: IngestPlan; payload: unknown; source: string }[]): Promise<Set<string>> {
    const rows = await this.tx.query<{ event_hash: string }>(
      `INSERT INTO lineage_events (event_hash, event_kind, event_type, event_time, run_id, job_namespace, job_name, payload, source)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::uuid[], $6::text[], $7::text[], $8::jsonb[], $9::text[])
       ON CONFLICT (event_hash) DO NOTHING RETURNING event_hash`,
      [
        events.map((e) => e.plan.hash),
        events.map((e) => e.plan.kind),
        events.map((e) => e.plan.eventType),
        events.map((e) => e.plan.eventTime),
        events.map((e) => e.plan.run?.id ?? null),
        events.map((e) => e.plan.job?.namespace ?? null),
        events.map((e) => e.plan.job?.name ?? null),
        events.map((e) => JSON.stringify(e.payload)),
        events.map((e) => e.source),
      ],
    );
    return new Set(rows.map((r) => r.event_hash));
  }

  /** Upserts datasets (merging facets, `_deleted` facets removed) and returns their ids. */
  async upsertDatasets(datasets: DatasetPlan[], domainOf: (namespace: string) => string): Promise<IdMap> {
    if (datasets.length === 0) return new Map();
    const rows = await this.tx.query<{ id: string; namespace: string; name: string }>(
      `INSERT INTO lineage_datasets AS d (namespace, name, owner, description, source_name, source_uri, tags, facets, domain)
       SELECT u.namespace, u.name, u.owner, u.description, u.source_name, u.source_uri,
              ARRAY(SELECT jsonb_array_elements_text(u.tags)), u.facets, u.domain
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::jsonb[], $8::jsonb[], $9::text[])
            AS u(namespace, name, owner, description, source_name, source_uri, tags, facets, domain)
       ON CONFLICT (namespace, name) DO UPDATE SET
         -- Owner and tags come from the source only until someone curates them: a data owner's
         -- decision is not undone by the next event (the source's facets are still kept below).
         owner = COALESCE(d.owner, EXCLUDED.owner),
         description = COALESCE(EXCLUDED.description, d.description),
         source_name = COALESCE(EXCLUDED.source_name, d.source_name),
         source_uri = COALESCE(EXCLUDED.source_uri, d.source_uri),
         facets = d.facets || EXCLUDED.facets,
         updated_at = now()
       RETURNING id, namespace, name`,
      [
        datasets.map((d) => d.namespace),
        datasets.map((d) => d.name),
        datasets.map((d) => d.owner),
        datasets.map((d) => d.description),
        datasets.map((d) => d.sourceName),
        datasets.map((d) => d.sourceUri),
        datasets.map((d) => JSON.stringify(d.tags)),
        datasets.map((d) => JSON.stringify(d.facets)),
        datasets.map((d) => domainOf(d.namespace)),
      ],
    );
    const ids: IdMap = new Map(rows.map((r) => [keyOf(r), r.id]));
    const deleted = datasets.flatMap((d) => d.deletedFacets.map((facet) => ({ id: ids.get(keyOf(d))!, facet })));
    if (deleted.length > 0) {
      // OpenLineage's `_deleted: true` removes a facet the dataset had.
      await this.tx.query(
        `UPDATE lineage_datasets d SET facets = d.facets - u.keys
         FROM (SELECT id, array_agg(facet) AS keys FROM unnest($1::uuid[], $2::text[]) AS x(id, facet) GROUP BY id) u
         WHERE d.id = u.id`,
        [deleted.map((x) => x.id), deleted.map((x) => x.facet)],
      );
    }
    return ids;
  }

  /**
   * Records schema versions. A version seen again keeps its earliest `valid_from`, so late or
   * replayed events never make an old schema current.
   */
  async upsertDatasetVersions(versions: IngestBatch['datasetVersions'], ids: IdMap): Promise<void> {
    if (versions.length === 0) return;
    await this.tx.query(
      `INSERT INTO lineage_dataset_versions AS v (dataset_id, schema_hash, fields, valid_from, run_id)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::jsonb[], $4::timestamptz[], $5::uuid[])
       ON CONFLICT (dataset_id, schema_hash) DO UPDATE SET valid_from = LEAST(v.valid_from, EXCLUDED.valid_from)`,
      [
        versions.map((v) => ids.get(keyOf(v.dataset))),
        versions.map((v) => v.hash),
        versions.map((v) => JSON.stringify(v.fields)),
        versions.map((v) => v.validFrom),
        versions.map((v) => v.runId),
      ],
    );
  }

  /**
   * Points each dataset at its newest version (by event time) and, where that changed, rewrites its
   * current fields, keeping the tags of fields that remain.
   */
  async refreshCurrentVersions(datasetIds: string[]): Promise<void> {
    if (datasetIds.length === 0) return;
    const changed = await this.tx.query<{ id: string }>(
      `UPDATE lineage_datasets d SET current_version_id = v.id, updated_at = now()
       FROM (SELECT DISTINCT ON (dataset_id) id, dataset_id FROM lineage_dataset_versions
             WHERE dataset_id = ANY($1::uuid[]) ORDER BY dataset_id, valid_from DESC, id) v
       WHERE d.id = v.dataset_id AND d.current_version_id IS DISTINCT FROM v.id
       RETURNING d.id`,
      [datasetIds],
    );
    if (changed.length === 0) return;
    const ids = changed.map((c) => c.id);
    await this.tx.query(
      `INSERT INTO lineage_dataset_fields AS f (dataset_id, name, type, description)
       SELECT d.id, x.name, x.type, x.description
       FROM lineage_datasets d
       JOIN lineage_dataset_versions v ON v.id = d.current_version_id,
       LATERAL jsonb_to_recordset(v.fields) AS x(name text, type text, description text)
       WHERE d.id = ANY($1::uuid[])
       ON CONFLICT (dataset_id, name) DO UPDATE SET type = EXCLUDED.type, description = EXCLUDED.description`,
      [ids],
    );
    await this.tx.query(
      `DELETE FROM lineage_dataset_fields f
       USING lineage_datasets d JOIN lineage_dataset_versions v ON v.id = d.current_version_id
       WHERE f.dataset_id = d.id AND d.id = ANY($1::uuid[])
         AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements(v.fields) e WHERE e->>'name' = f.name)`,
      [ids],
    );
  }

  async upsertJobs(jobs: IngestBatch['jobs'], domainOf: (namespace: string) => string): Promise<IdMap> {
    if (jobs.length === 0) return new Map();
    const rows = await this.tx.query<{ id: string; namespace: string; name: string }>(
      `INSERT INTO lineage_jobs AS j (namespace, name, owner, description, job_type, facets, domain)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[], $7::text[])
       ON CONFLICT (namespace, name) DO UPDATE SET
         owner = COALESCE(j.owner, EXCLUDED.owner),
         description = COALESCE(EXCLUDED.description, j.description),
         job_type = COALESCE(EXCLUDED.job_type, j.job_type),
         facets = j.facets || EXCLUDED.facets,
         updated_at = now()
       RETURNING id, namespace, name`,
      [
        jobs.map((j) => j.namespace),
        jobs.map((j) => j.name),
        jobs.map((j) => j.owner),
        jobs.map((j) => j.description),
        jobs.map((j) => j.jobType),
        jobs.map((j) => JSON.stringify(j.facets)),
        jobs.map((j) => domainOf(j.namespace)),
      ],
    );
    return new Map(rows.map((r) => [keyOf(r), r.id]));
  }

  /** Upserts job versions, makes the newest (by event time) current; returns `jobId + hash` → id. */
  async upsertJobVersions(versions: IngestBatch['jobVersions'], jobIds: IdMap): Promise<IdMap> {
    if (versions.length === 0) return new Map();
    const rows = await this.tx.query<{ id: string; job_id: string; version_hash: string }>(
      `INSERT INTO lineage_job_versions AS v (job_id, version_hash, facets, valid_from)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::jsonb[], $4::timestamptz[])
       ON CONFLICT (job_id, version_hash) DO UPDATE SET valid_from = LEAST(v.valid_from, EXCLUDED.valid_from)
       RETURNING id, job_id, version_hash`,
      [
        versions.map((v) => jobIds.get(keyOf(v.job))),
        versions.map((v) => v.versionHash),
        versions.map((v) => JSON.stringify(v.facets)),
        versions.map((v) => v.validFrom),
      ],
    );
    await this.tx.query(
      `UPDATE lineage_jobs j SET current_version_id = v.id
       FROM (SELECT DISTINCT ON (job_id) id, job_id FROM lineage_job_versions
             WHERE job_id = ANY($1::uuid[]) ORDER BY job_id, valid_from DESC, id) v
       WHERE j.id = v.job_id AND j.current_version_id IS DISTINCT FROM v.id`,
      [[...new Set(rows.map((r) => r.job_id))]],
    );
    return new Map(rows.map((r) => [`${r.job_id}\u0000${r.version_hash}`, r.id]));
  }

  /**
   * One row per run whatever the order of its events: the state only moves forward
   * (OTHER < START < RUNNING < COMPLETE/ABORT/FAIL; equal ranks: the later event wins),
   * start is the earliest START/RUNNING time, end the latest terminal event's time.
   */
  async upsertRuns(runs: IngestBatch['runs'], jobIds: IdMap, versionIds: IdMap): Promise<void> {
    if (runs.length === 0) return;
    const forward = `lineage_run_state_rank(EXCLUDED.state) > lineage_run_state_rank(r.state)
      OR (lineage_run_state_rank(EXCLUDED.state) = lineage_run_state_rank(r.state) AND EXCLUDED.state_event_time >= r.state_event_time)`;
    await this.tx.query(
      `INSERT INTO lineage_runs AS r (id, job_id, job_version_id, state, started_at, ended_at, nominal_start_time, nominal_end_time,
                                      parent_run_id, error_message, facets, state_event_time)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::timestamptz[], $6::timestamptz[], $7::timestamptz[],
                            $8::timestamptz[], $9::uuid[], $10::text[], $11::jsonb[], $12::timestamptz[])
       ON CONFLICT (id) DO UPDATE SET
         state = CASE WHEN ${forward} THEN EXCLUDED.state ELSE r.state END,
         state_event_time = CASE WHEN ${forward} THEN EXCLUDED.state_event_time ELSE r.state_event_time END,
         job_version_id = CASE WHEN EXCLUDED.state_event_time >= r.state_event_time THEN EXCLUDED.job_version_id ELSE r.job_version_id END,
         started_at = LEAST(r.started_at, EXCLUDED.started_at),
         ended_at = GREATEST(r.ended_at, EXCLUDED.ended_at),
         nominal_start_time = COALESCE(EXCLUDED.nominal_start_time, r.nominal_start_time),
         nominal_end_time = COALESCE(EXCLUDED.nominal_end_time, r.nominal_end_time),
         parent_run_id = COALESCE(EXCLUDED.parent_run_id, r.parent_run_id),
         error_message = COALESCE(EXCLUDED.error_message, r.error_message),
         facets = r.facets || EXCLUDED.facets,
         updated_at = now()`,
      [
        runs.map((r) => r.id),
        runs.map((r) => jobIds.get(keyOf(r.job))),
        runs.map((r) => versionIds.get(`${jobIds.get(keyOf(r.job))}\u0000${r.jobVersionHash}`)),
        runs.map((r) => r.state),
        runs.map((r) => r.startedAt),
        runs.map((r) => r.endedAt),
        runs.map((r) => r.nominalStartTime),
        runs.map((r) => r.nominalEndTime),
        runs.map((r) => r.parentRunId),
        runs.map((r) => r.errorMessage),
        runs.map((r) => JSON.stringify(r.facets)),
        runs.map((r) => r.stateEventTime),
      ],
    );
  }

  /** The runs' inputs and outputs, at the dataset versions current now. */
  async insertRunIo(io: IngestBatch['runIo'], ids: IdMap): Promise<void> {
    if (io.length === 0) return;
    await this.tx.query(
      `INSERT INTO lineage_run_io AS x (run_id, dataset_id, dataset_version_id, direction)
       SELECT u.run_id, u.dataset_id, d.current_version_id, u.direction
       FROM unnest($1::uuid[], $2::uuid[], $3::text[]) AS u(run_id, dataset_id, direction)
       JOIN lineage_datasets d ON d.id = u.dataset_id
       ON CONFLICT (run_id, dataset_id, direction) DO UPDATE SET dataset_version_id = COALESCE(EXCLUDED.dataset_version_id, x.dataset_version_id)`,
      [io.map((x) => x.runId), io.map((x) => ids.get(keyOf(x.dataset))), io.map((x) => x.direction)],
    );
  }

  /** Job-level edges; first_seen/last_seen widen to cover every event that showed them. */
  async upsertEdges(edges: IngestBatch['edges'], datasetIds: IdMap, jobIds: IdMap): Promise<void> {
    if (edges.length === 0) return;
    await this.tx.query(
      `INSERT INTO lineage_edges AS e (job_id, dataset_id, direction, first_seen, last_seen)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::timestamptz[], $5::timestamptz[])
       ON CONFLICT (job_id, direction, dataset_id) DO UPDATE SET
         first_seen = LEAST(e.first_seen, EXCLUDED.first_seen), last_seen = GREATEST(e.last_seen, EXCLUDED.last_seen)`,
      [
        edges.map((e) => jobIds.get(keyOf(e.job))),
        edges.map((e) => datasetIds.get(keyOf(e.dataset))),
        edges.map((e) => e.direction),
        edges.map((e) => e.firstSeen),
        edges.map((e) => e.lastSeen),
      ],
    );
  }

  async upsertColumnEdges(edges: IngestBatch['columnEdges'], ids: IdMap): Promise<void> {
    if (edges.length === 0) return;
    const id = (d: DatasetKey) => ids.get(keyOf(d));
    await this.tx.query(
      `INSERT INTO lineage_column_edges AS c (output_dataset_id, output_field, input_dataset_id, input_field, transformations, masking, first_seen, last_seen)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::text[], $5::jsonb[], $6::boolean[], $7::timestamptz[], $8::timestamptz[])
       ON CONFLICT (output_dataset_id, output_field, input_dataset_id, input_field) DO UPDATE SET
         transformations = CASE WHEN EXCLUDED.last_seen >= c.last_seen THEN EXCLUDED.transformations ELSE c.transformations END,
         masking = CASE WHEN EXCLUDED.last_seen >= c.last_seen THEN EXCLUDED.masking ELSE c.masking END,
         first_seen = LEAST(c.first_seen, EXCLUDED.first_seen), last_seen = GREATEST(c.last_seen, EXCLUDED.last_seen)`,
      [
        edges.map((e) => id(e.output)),
        edges.map((e) => e.outputField),
        edges.map((e) => id(e.input)),
        edges.map((e) => e.inputField),
        edges.map((e) => JSON.stringify(e.transformations)),
        edges.map((e) => e.masking),
        edges.map((e) => e.firstSeen),
        edges.map((e) => e.lastSeen),
      ],
    );
  }
}
