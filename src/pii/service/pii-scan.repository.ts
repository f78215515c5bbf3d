import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../../database/transaction-host';
import type { Sensitivity } from '../thresholds';

export type ScanStatus = 'queued' | 'running' | 'succeeded' | 'failed';
export type Verdict = 'confirmed' | 'rejected';

export interface DatasetRow {
  id: string;
  namespace: string;
  name: string;
  domain: string;
  tags: string[];
  sensitivity: Sensitivity;
}

export interface ScanRow {
  id: string;
  dataset_id: string;
  namespace: string;
  name: string;
  domain: string;
  dataset_sensitivity: Sensitivity;
  requested_by: string;
  status: ScanStatus;
  error: string | null;
  file_name: string | null;
  file_sha256: string;
  size_bytes: string;
  format: string;
  rows: string | null;
  sampled: number | null;
  sample_method: string | null;
  sensitivity: Sensitivity | null;
  result: unknown;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

export interface NewScan {
  datasetId: string;
  requestedBy: string;
  fileName: string | null;
  sha256: string;
  sizeBytes: number;
  format: string;
  runner: string;
}

export interface ScanOutcome {
  rows: number;
  sampled: number;
  sampleMethod: string;
  sensitivity: Sensitivity;
  result: unknown;
}

export interface VerdictRow {
  dataset_id: string;
  column_name: string;
  entity_type: string;
  verdict: Verdict;
  decided_by: string;
  decided_at: Date;
  note: string | null;
}

export interface PrecisionRow {
  entity_type: string;
  confirmed: number;
  rejected: number;
}

export interface ReachRow {
  target_field: string;
  dataset_id: string;
  namespace: string;
  name: string;
  domain: string;
  field: string;
  distance: number;
  tags: string[];
}

const SCAN_COLUMNS = `s.*, d.namespace, d.name, d.domain, d.sensitivity AS dataset_sensitivity`;

/**
 * SQL of the PII service. It writes lineage_datasets.sensitivity (its own column, migration 0004)
 * and the PII:* tags of lineage_dataset_fields; other tags are left as they are.
 */
@Injectable()
export class PiiScanRepository {
  constructor(private readonly tx: TransactionHost) {}

  async findDataset(namespace: string, name: string): Promise<DatasetRow | undefined> {
    const rows = await this.tx.query<DatasetRow>(
      'SELECT id, namespace, name, domain, tags, sensitivity FROM lineage_datasets WHERE namespace = $1 AND name = $2',
      [namespace, name],
    );
    return rows[0];
  }

  /** Serialises scan results and verdicts of one dataset (two scans finishing together). */
  async lockDataset(id: string): Promise<DatasetRow> {
    const rows = await this.tx.query<DatasetRow>('SELECT id, namespace, name, domain, tags, sensitivity FROM lineage_datasets WHERE id = $1 FOR UPDATE', [id]);
    return rows[0]!;
  }

  async insertScan(scan: NewScan): Promise<string> {
    const rows = await this.tx.query<{ id: string }>(
      `INSERT INTO pii_scans (dataset_id, requested_by, file_name, file_sha256, size_bytes, format, runner)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [scan.datasetId, scan.requestedBy, scan.fileName, scan.sha256, scan.sizeBytes, scan.format, scan.runner],
    );
    return rows[0]!.id;
  }

  async findScan(id: string): Promise<ScanRow | undefined> {
    const rows = await this.tx.query<ScanRow>(`SELECT ${SCAN_COLUMNS} FROM pii_scans s JOIN lineage_datasets d ON d.id = s.dataset_id WHERE s.id = $1`, [id]);
    return rows[0];
  }

  /** Newest first; the cursor is (created_at, id) of the last row of the previous page. */
  async listScans(datasetId: string, limit: number, after?: { createdAt: string; id: string }): Promise<ScanRow[]> {
    return this.tx.query<ScanRow>(
      `SELECT ${SCAN_COLUMNS} FROM pii_scans s JOIN lineage_datasets d ON d.id = s.dataset_id
       WHERE s.dataset_id = $1 AND ($2::timestamptz IS NULL OR (s.created_at, s.id) < ($2::timestamptz, $3::uuid))
       ORDER BY s.created_at DESC, s.id DESC LIMIT $4`,
      [datasetId, after?.createdAt ?? null, after?.id ?? null, limit],
    );
  }

  async markRunning(id: string): Promise<void> {
    await this.tx.query(`UPDATE pii_scans SET status = 'running', started_at = now() WHERE id = $1`, [id]);
  }

  async markSucceeded(id: string, outcome: ScanOutcome): Promise<void> {
    await this.tx.query(
      `UPDATE pii_scans SET status = 'succeeded', finished_at = now(), rows = $2, sampled = $3, sample_method = $4, sensitivity = $5, result = $6
       WHERE id = $1`,
      [id, outcome.rows, outcome.sampled, outcome.sampleMethod, outcome.sensitivity, JSON.stringify(outcome.result)],
    );
  }

  async markFailed(id: string, error: string): Promise<void> {
    await this.tx.query(`UPDATE pii_scans SET status = 'failed', finished_at = now(), error = $2 WHERE id = $1`, [id, error]);
  }

  /** Scans this runner left queued or running before a restart: their upload is gone, so they cannot resume. */
  async failInterrupted(runner: string): Promise<number> {
    const rows = await this.tx.query<{ id: string }>(
      `UPDATE pii_scans SET status = 'failed', finished_at = now(), error = 'interrupted by a restart of Charter; upload the file again'
       WHERE status IN ('queued', 'running') AND runner = $1 RETURNING id`,
      [runner],
    );
    return rows.length;
  }

  async fieldTags(datasetId: string): Promise<{ name: string; tags: string[] }[]> {
    return this.tx.query('SELECT name, tags FROM lineage_dataset_fields WHERE dataset_id = $1 ORDER BY name', [datasetId]);
  }

  /** Replaces the PII:* tags of every field of the dataset; other tags are kept, in their order. */
  async replaceFieldPiiTags(datasetId: string, tagsByField: Map<string, string[]>): Promise<void> {
    await this.tx.query(
      `UPDATE lineage_dataset_fields f
       SET tags = ARRAY(SELECT t FROM unnest(f.tags) t WHERE t NOT LIKE 'PII:%')
               || ARRAY(SELECT jsonb_array_elements_text(COALESCE($2::jsonb -> f.name, '[]'::jsonb)))
       WHERE f.dataset_id = $1`,
      [datasetId, JSON.stringify(Object.fromEntries(tagsByField))],
    );
  }

  async updateDataset(id: string, tags: string[], sensitivity: Sensitivity): Promise<void> {
    await this.tx.query(
      `UPDATE lineage_datasets SET tags = $2, sensitivity = $3,
         sensitivity_updated_at = CASE WHEN sensitivity = $3 THEN sensitivity_updated_at ELSE now() END, updated_at = now()
       WHERE id = $1`,
      [id, tags, sensitivity],
    );
  }

  async verdicts(datasetId: string): Promise<VerdictRow[]> {
    return this.tx.query<VerdictRow>('SELECT * FROM pii_verdicts WHERE dataset_id = $1 ORDER BY column_name, entity_type', [datasetId]);
  }

  async upsertVerdict(v: Omit<VerdictRow, 'decided_at'>): Promise<{ row: VerdictRow; before: Verdict | null }> {
    const before = await this.tx.query<{ verdict: Verdict }>(
      'SELECT verdict FROM pii_verdicts WHERE dataset_id = $1 AND column_name = $2 AND entity_type = $3 FOR UPDATE',
      [v.dataset_id, v.column_name, v.entity_type],
    );
    const rows = await this.tx.query<VerdictRow>(
      `INSERT INTO pii_verdicts (dataset_id, column_name, entity_type, verdict, decided_by, note) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (dataset_id, column_name, entity_type)
       DO UPDATE SET verdict = EXCLUDED.verdict, decided_by = EXCLUDED.decided_by, note = EXCLUDED.note, decided_at = now()
       RETURNING *`,
      [v.dataset_id, v.column_name, v.entity_type, v.verdict, v.decided_by, v.note],
    );
    return { row: rows[0]!, before: before[0]?.verdict ?? null };
  }

  async precision(): Promise<PrecisionRow[]> {
    return this.tx.query<PrecisionRow>(
      `SELECT entity_type, count(*) FILTER (WHERE verdict = 'confirmed')::int AS confirmed, count(*) FILTER (WHERE verdict = 'rejected')::int AS rejected
       FROM pii_verdicts GROUP BY entity_type ORDER BY entity_type`,
    );
  }

  /**
   * Fields with PII:* tags that reach the dataset's fields upstream through column edges that do
   * not mask, at most `maxDepth` edges away (distance 0: the dataset's own tagged fields). The
   * path array stops cycles; the depth bound keeps a wide estate from exploding.
   */
  async reach(datasetId: string, maxDepth: number, limit: number): Promise<ReachRow[]> {
    return this.tx.query<ReachRow>(
      `WITH RECURSIVE reach (dataset_id, field, target_field, depth, path) AS (
         SELECT s.dataset_id, s.field, s.field, 0, ARRAY[s.dataset_id::text || ':' || s.field]
         FROM (SELECT dataset_id, name AS field FROM lineage_dataset_fields WHERE dataset_id = $1
               UNION SELECT output_dataset_id, output_field FROM lineage_column_edges WHERE output_dataset_id = $1) s
         UNION ALL
         SELECT e.input_dataset_id, e.input_field, r.target_field, r.depth + 1, r.path || (e.input_dataset_id::text || ':' || e.input_field)
         FROM reach r
         JOIN lineage_column_edges e ON e.output_dataset_id = r.dataset_id AND e.output_field = r.field
         WHERE NOT e.masking AND r.depth < $2 AND NOT (e.input_dataset_id::text || ':' || e.input_field) = ANY (r.path)
       )
       SELECT r.target_field, d.id AS dataset_id, d.namespace, d.name, d.domain, r.field, min(r.depth)::int AS distance, f.tags
       FROM reach r
       JOIN lineage_dataset_fields f ON f.dataset_id = r.dataset_id AND f.name = r.field
       JOIN lineage_datasets d ON d.id = r.dataset_id
       WHERE EXISTS (SELECT 1 FROM unnest(f.tags) t WHERE t LIKE 'PII:%')
       GROUP BY r.target_field, d.id, d.namespace, d.name, d.domain, r.field, f.tags
       ORDER BY r.target_field, distance, d.namespace, d.name, r.field
       LIMIT $3`,
      [datasetId, maxDepth, limit],
    );
  }
}
