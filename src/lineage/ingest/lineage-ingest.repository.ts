import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../../database/transaction-host';
import type { ColumnEdgePlan, DatasetKey, DatasetPlan, IngestPlan, JobPlan, RunPlan } from './ingest-plan';

const key = (d: DatasetKey) => `${d.namespace}\u0000${d.name}`;

/**
 * Writes ingest plans. Each method is one statement over all rows of its kind (unnest of arrays),
 * so an event costs a fixed number of round trips whatever its number of datasets.
 */
@Injectable()
export class LineageIngestRepository {
  constructor(private readonly tx: TransactionHost) {}

  /** Records the event; false when the identical event was recorded before (nothing else to do). */
  async insertEvent(plan: IngestPlan, payload: unknown, source: string): Promise<boolean> {
    const rows = await this.tx.query(
      `INSERT INTO lineage_events (event_hash, event_kind, event_type, event_time, run_id, job_namespace, job_name, payload, source)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (event_hash) DO NOTHING RETURNING id`,
      [
        plan.hash,
        plan.kind,
        plan.eventType,
        plan.eventTime,
        plan.run?.id ?? null,
        plan.job?.namespace ?? null,
        plan.job?.name ?? null,
        JSON.stringify(payload),
        source,
      ],
    );
    return rows.length > 0;
  }

  /** Upserts datasets (merging facets, newest wins; `_deleted` facets removed) and returns their ids. */
  async upsertDatasets(datasets: DatasetPlan[]): Promise<Map<string, string>> {
    if (datasets.length === 0) return new Map();
    const rows = await this.tx.query<{ id: string; namespace: string; name: string }>(
      `INSERT INTO lineage_datasets AS d (namespace, name, owner, description, source_name, source_uri, tags, facets)
       SELECT u.namespace, u.name, u.owner, u.description, u.source_name, u.source_uri,
              ARRAY(SELECT jsonb_array_elements_text(u.tags)), u.facets
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::jsonb[], $8::jsonb[])
            AS u(namespace, name, owner, description, source_name, source_uri, tags, facets)
       ON CONFLICT (namespace, name) DO UPDATE SET
         owner = COALESCE(EXCLUDED.owner, d.owner),
         description = COALESCE(EXCLUDED.description, d.description),
         source_name = COALESCE(EXCLUDED.source_name, d.source_name),
         source_uri = COALESCE(EXCLUDED.source_uri, d.source_uri),
         tags = ARRAY(SELECT DISTINCT unnest(d.tags || EXCLUDED.tags) ORDER BY 1),
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
      ],
    );
    const deleted = datasets.flatMap((d) => d.deletedFacets.map((facet) => ({ id: rows.find((r) => key(r) === key(d))!.id, facet })));
    if (deleted.length > 0) {
      // OpenLineage's `_deleted: true` removes a facet the dataset had.
      await this.tx.query(
        `UPDATE lineage_datasets d SET facets = d.facets - u.keys
         FROM (SELECT id, array_agg(facet) AS keys FROM unnest($1::uuid[], $2::text[]) AS x(id, facet) GROUP BY id) u
         WHERE d.id = u.id`,
        [deleted.map((x) => x.id), deleted.map((x) => x.facet)],
      );
    }
    return new Map(rows.map((r) => [key(r), r.id]));
  }

  /**
   * Records the schema versions this event shows. A version seen again keeps its earliest
   * `valid_from`, so late or replayed events never make an old schema current.
   */
  async upsertDatasetVersions(entries: { datasetId: string; hash: string; fields: unknown[] }[], eventTime: Date, runId: string | null): Promise<void> {
    if (entries.length === 0) return;
    await this.tx.query(
      `INSERT INTO lineage_dataset_versions AS v (dataset_id, schema_hash, fields, valid_from, run_id)
       SELECT u.dataset_id, u.schema_hash, u.fields, $4, $5
       FROM unnest($1::uuid[], $2::text[], $3::jsonb[]) AS u(dataset_id, schema_hash, fields)
       ON CONFLICT (dataset_id, schema_hash) DO UPDATE SET valid_from = LEAST(v.valid_from, EXCLUDED.valid_from)`,
      [entries.map((e) => e.datasetId), entries.map((e) => e.hash), entries.map((e) => JSON.stringify(e.fields)), eventTime, runId],
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

  /** Upserts the job and its version; returns both ids. The newest version by event time is current. */
  async upsertJob(job: JobPlan, eventTime: Date): Promise<{ jobId: string; versionId: string }> {
    const [row] = await this.tx.query<{ id: string }>(
      `INSERT INTO lineage_jobs AS j (namespace, name, owner, description, job_type, facets)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (namespace, name) DO UPDATE SET
         owner = COALESCE(EXCLUDED.owner, j.owner),
         description = COALESCE(EXCLUDED.description, j.description),
         job_type = COALESCE(EXCLUDED.job_type, j.job_type),
         facets = j.facets || EXCLUDED.facets,
         updated_at = now()
       RETURNING id`,
      [job.namespace, job.name, job.owner, job.description, job.jobType, JSON.stringify(job.facets)],
    );
    const jobId = row!.id;
    const [version] = await this.tx.query<{ id: string }>(
      `INSERT INTO lineage_job_versions AS v (job_id, version_hash, facets, valid_from)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT (job_id, version_hash) DO UPDATE SET valid_from = LEAST(v.valid_from, EXCLUDED.valid_from)
       RETURNING id`,
      [jobId, job.versionHash, JSON.stringify(job.facets), eventTime],
    );
    await this.tx.query(
      `UPDATE lineage_jobs j SET current_version_id = v.id
       FROM (SELECT id FROM lineage_job_versions WHERE job_id = $1 ORDER BY valid_from DESC, id LIMIT 1) v
       WHERE j.id = $1 AND j.current_version_id IS DISTINCT FROM v.id`,
      [jobId],
    );
    return { jobId, versionId: version!.id };
  }

  /**
   * One row per run whatever the order of its events: the state only moves forward
   * (OTHER < START < RUNNING < COMPLETE/ABORT/FAIL; equal ranks: the later event wins),
   * start is the earliest START/RUNNING time, end the terminal event's time.
   */
  async upsertRun(run: RunPlan, jobId: string, jobVersionId: string, eventTime: Date): Promise<void> {
    await this.tx.query(
      `INSERT INTO lineage_runs AS r (id, job_id, job_version_id, state, started_at, ended_at, nominal_start_time, nominal_end_time,
                                      parent_run_id, error_message, facets, state_event_time)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
       ON CONFLICT (id) DO UPDATE SET
         state = CASE WHEN lineage_run_state_rank(EXCLUDED.state) > lineage_run_state_rank(r.state)
                        OR (lineage_run_state_rank(EXCLUDED.state) = lineage_run_state_rank(r.state) AND EXCLUDED.state_event_time >= r.state_event_time)
                      THEN EXCLUDED.state ELSE r.state END,
         state_event_time = CASE WHEN lineage_run_state_rank(EXCLUDED.state) > lineage_run_state_rank(r.state)
                        OR (lineage_run_state_rank(EXCLUDED.state) = lineage_run_state_rank(r.state) AND EXCLUDED.state_event_time >= r.state_event_time)
                      THEN EXCLUDED.state_event_time ELSE r.state_event_time END,
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
        run.id,
        jobId,
        jobVersionId,
        run.state,
        run.startedAt,
        run.endedAt,
        run.nominalStartTime,
        run.nominalEndTime,
        run.parentRunId,
        run.errorMessage,
        JSON.stringify(run.facets),
        eventTime,
      ],
    );
  }

  /** The run's inputs and outputs, at the dataset versions current now. */
  async insertRunIo(runId: string, io: { datasetId: string; direction: 'input' | 'output' }[]): Promise<void> {
    if (io.length === 0) return;
    await this.tx.query(
      `INSERT INTO lineage_run_io (run_id, dataset_id, dataset_version_id, direction)
       SELECT $1, u.dataset_id, d.current_version_id, u.direction
       FROM unnest($2::uuid[], $3::text[]) AS u(dataset_id, direction)
       JOIN lineage_datasets d ON d.id = u.dataset_id
       ON CONFLICT (run_id, dataset_id, direction) DO UPDATE SET dataset_version_id = COALESCE(EXCLUDED.dataset_version_id, lineage_run_io.dataset_version_id)`,
      [runId, io.map((x) => x.datasetId), io.map((x) => x.direction)],
    );
  }

  /** Job-level edges; first_seen/last_seen widen to cover every event that showed them. */
  async upsertEdges(jobId: string, io: { datasetId: string; direction: 'input' | 'output' }[], eventTime: Date): Promise<void> {
    if (io.length === 0) return;
    await this.tx.query(
      `INSERT INTO lineage_edges AS e (job_id, dataset_id, direction, first_seen, last_seen)
       SELECT $1, u.dataset_id, u.direction, $4, $4 FROM unnest($2::uuid[], $3::text[]) AS u(dataset_id, direction)
       ON CONFLICT (job_id, direction, dataset_id) DO UPDATE SET
         first_seen = LEAST(e.first_seen, EXCLUDED.first_seen), last_seen = GREATEST(e.last_seen, EXCLUDED.last_seen)`,
      [jobId, io.map((x) => x.datasetId), io.map((x) => x.direction), eventTime],
    );
  }

  async upsertColumnEdges(edges: ColumnEdgePlan[], ids: Map<string, string>, eventTime: Date): Promise<void> {
    if (edges.length === 0) return;
    await this.tx.query(
      `INSERT INTO lineage_column_edges AS c (output_dataset_id, output_field, input_dataset_id, input_field, transformations, masking, first_seen, last_seen)
       SELECT u.out_id, u.out_field, u.in_id, u.in_field, u.transformations, u.masking, $7, $7
       FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::text[], $5::jsonb[], $6::boolean[])
            AS u(out_id, out_field, in_id, in_field, transformations, masking)
       ON CONFLICT (output_dataset_id, output_field, input_dataset_id, input_field) DO UPDATE SET
         transformations = CASE WHEN EXCLUDED.last_seen >= c.last_seen THEN EXCLUDED.transformations ELSE c.transformations END,
         masking = CASE WHEN EXCLUDED.last_seen >= c.last_seen THEN EXCLUDED.masking ELSE c.masking END,
         first_seen = LEAST(c.first_seen, EXCLUDED.first_seen), last_seen = GREATEST(c.last_seen, EXCLUDED.last_seen)`,
      [
        edges.map((e) => ids.get(key(e.output))),
        edges.map((e) => e.outputField),
        edges.map((e) => ids.get(key(e.input))),
        edges.map((e) => e.inputField),
        edges.map((e) => JSON.stringify(e.transformations)),
        edges.map((e) => e.masking),
        eventTime,
      ],
    );
  }
}
