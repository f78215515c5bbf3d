import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../../database/transaction-host';
import type { Sensitivity } from '../pack/pack.types';

export interface EvidenceDatasetRow {
  id: string;
  namespace: string;
  name: string;
  domain: string;
  owner: string | null;
  sensitivity: Sensitivity;
  sensitivity_updated_at: Date | null;
}

export interface PiiFieldRow {
  name: string;
  tags: string[];
}

export interface ScanSummaryRow {
  id: string;
  finished_at: Date;
  sensitivity: Sensitivity;
  rows: string;
  file_sha256: string;
}

export interface AuditEvidenceRow {
  seq: string;
  occurred_at: Date;
  actor_id: string | null;
  actor_label: string | null;
  action: string;
  reason: string | null;
  details: Record<string, unknown>;
}

export interface DownstreamEdgeRow {
  dataset_id: string;
  job_id: string;
  output_id: string | null;
}

export interface NodeRow {
  id: string;
  namespace: string;
  name: string;
  sensitivity: Sensitivity | null;
}

/**
 * Read-only SQL over other modules' tables (lineage, PII scans, governance audit) for the evidence
 * of a pack. Reports read the estate as it is recorded, whoever may see what in the API: the
 * permission to generate a pack is checked in the target's domain before any of this runs.
 */
@Injectable()
export class EvidenceRepository {
  constructor(private readonly tx: TransactionHost) {}

  async dataset(namespace: string, name: string): Promise<EvidenceDatasetRow | undefined> {
    const rows = await this.tx.query<EvidenceDatasetRow>(
      'SELECT id, namespace, name, domain, owner, sensitivity, sensitivity_updated_at FROM lineage_datasets WHERE namespace = $1 AND name = $2',
      [namespace, name],
    );
    return rows[0];
  }

  async piiFields(datasetId: string): Promise<PiiFieldRow[]> {
    return this.tx.query<PiiFieldRow>(
      `SELECT name, ARRAY(SELECT t FROM unnest(tags) t WHERE t LIKE 'PII:%' ORDER BY t) AS tags
       FROM lineage_dataset_fields WHERE dataset_id = $1 AND EXISTS (SELECT 1 FROM unnest(tags) t WHERE t LIKE 'PII:%') ORDER BY name`,
      [datasetId],
    );
  }

  /** Successful scans finished in [from, to), and the last one before `from` (the one in force when the period began). */
  async scans(datasetId: string, from: Date, to: Date): Promise<ScanSummaryRow[]> {
    return this.tx.query<ScanSummaryRow>(
      `(SELECT id, finished_at, sensitivity, rows, file_sha256 FROM pii_scans
        WHERE dataset_id = $1 AND status = 'succeeded' AND finished_at >= $2 AND finished_at < $3)
       UNION ALL
       (SELECT id, finished_at, sensitivity, rows, file_sha256 FROM pii_scans
        WHERE dataset_id = $1 AND status = 'succeeded' AND finished_at < $2 ORDER BY finished_at DESC LIMIT 1)
       ORDER BY finished_at DESC, id`,
      [datasetId, from, to],
    );
  }

  /** Audit events on a target in [from, to): `action` for one kind, or every denial when `denials` is set. */
  async auditEvents(target: string, from: Date, to: Date, filter: { action: string } | { denials: true }, limit: number): Promise<AuditEvidenceRow[]> {
    const action = 'action' in filter ? filter.action : null;
    return this.tx.query<AuditEvidenceRow>(
      `SELECT seq, occurred_at, actor_id, actor_label, action, reason, details FROM governance_audit_events
       WHERE target = $1 AND occurred_at >= $2 AND occurred_at < $3 AND ($4::text IS NULL OR action = $4) AND ($4::text IS NOT NULL OR decision = 'deny')
       ORDER BY seq LIMIT $5`,
      [target, from, to, action, limit],
    );
  }

  /** One hop downstream: jobs reading the datasets, and what they write, as recorded by the end of the period. */
  async downstreamEdges(datasetIds: string[], before: Date): Promise<DownstreamEdgeRow[]> {
    return this.tx.query<DownstreamEdgeRow>(
      `SELECT i.dataset_id, i.job_id, o.dataset_id AS output_id
       FROM lineage_edges i
       LEFT JOIN lineage_edges o ON o.job_id = i.job_id AND o.direction = 'output' AND o.first_seen < $2
       WHERE i.dataset_id = ANY($1::uuid[]) AND i.direction = 'input' AND i.first_seen < $2
       ORDER BY i.dataset_id, i.job_id, o.dataset_id`,
      [datasetIds, before],
    );
  }

  async datasetNodes(ids: string[]): Promise<NodeRow[]> {
    return this.tx.query<NodeRow>('SELECT id, namespace, name, sensitivity FROM lineage_datasets WHERE id = ANY($1::uuid[]) ORDER BY namespace, name', [ids]);
  }

  async jobNodes(ids: string[]): Promise<NodeRow[]> {
    return this.tx.query<NodeRow>('SELECT id, namespace, name, NULL AS sensitivity FROM lineage_jobs WHERE id = ANY($1::uuid[]) ORDER BY namespace, name', [
      ids,
    ]);
  }
}
