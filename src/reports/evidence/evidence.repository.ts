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

  /**
   * Audit events on any of `targets` in [from, to): `action` for one kind, or every denial when
   * `denials` is set. Several targets because modules name a dataset differently
   * (`dataset:<ns>:<name>`, the access module's `dataset:<ns>/<name>`, the decision API's `dataset:<id>`).
   */
  async auditEvents(targets: string[], from: Date, to: Date, filter: { action: string } | { denials: true }, limit: number): Promise<AuditEvidenceRow[]> {
    const action = 'action' in filter ? filter.action : null;
    return this.tx.query<AuditEvidenceRow>(
      `SELECT seq, occurred_at, actor_id, actor_label, action, reason, details FROM governance_audit_events
       WHERE target = ANY($1::text[]) AND occurred_at >= $2 AND occurred_at < $3 AND ($4::text IS NULL OR action = $4) AND ($4::text IS NOT NULL OR decision = 'deny')
       ORDER BY seq LIMIT $5`,
      [targets, from, to, action, limit],
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

  /**
   * Grants on the datasets whose validity [granted_at, min(expires_at, ended_at)) overlaps [from, to),
   * with the request behind each: the rule that decided it, or the people who approved it.
   */
  async grants(datasetIds: string[], from: Date, to: Date, limit: number): Promise<GrantEvidenceRow[]> {
    return this.tx.query<GrantEvidenceRow>(
      `SELECT g.id, 'dataset:' || d.namespace || ':' || d.name AS dataset, g.principal_id AS grantee_id, coalesce(p.email, p.name, p.subject) AS grantee_label,
              g.action, r.purpose, g.granted_at, least(g.expires_at, coalesce(g.ended_at, g.expires_at)) AS until, g.end_reason, g.ended_at,
              r.decided_automatically, r.rule_id,
              ARRAY(SELECT a.approver_id::text FROM access_approvals a WHERE a.request_id = r.id AND a.decision = 'approve' ORDER BY a.decided_at, a.approver_id) AS approver_ids,
              ARRAY(SELECT coalesce(a.approver_label, a.approver_id::text) FROM access_approvals a WHERE a.request_id = r.id AND a.decision = 'approve' ORDER BY a.decided_at, a.approver_id) AS approver_labels
       FROM access_grants g
       JOIN access_requests r ON r.id = g.request_id
       JOIN lineage_datasets d ON d.id = g.dataset_id
       JOIN principals p ON p.id = g.principal_id
       WHERE g.dataset_id = ANY($1::uuid[]) AND g.granted_at < $3 AND least(g.expires_at, coalesce(g.ended_at, g.expires_at)) > $2
       ORDER BY g.granted_at, g.id LIMIT $4`,
      [datasetIds, from, to, limit],
    );
  }

  /** Model versions registered by `before` that were trained or evaluated on any of the datasets. */
  async modelsOn(datasetIds: string[], before: Date): Promise<DownstreamModelRow[]> {
    return this.tx.query<DownstreamModelRow>(
      `SELECT DISTINCT m.name AS model, v.version, v.stage, mvd.dataset_id
       FROM model_version_datasets mvd
       JOIN model_versions v ON v.id = mvd.model_version_id
       JOIN models m ON m.id = v.model_id
       WHERE mvd.dataset_id = ANY($1::uuid[]) AND v.created_at < $2
       ORDER BY m.name, v.version`,
      [datasetIds, before],
    );
  }

  /** One hop upstream: jobs writing the datasets, and what they read, as recorded by the end of the period. */
  async upstreamEdges(datasetIds: string[], before: Date): Promise<DownstreamEdgeRow[]> {
    return this.tx.query<DownstreamEdgeRow>(
      `SELECT o.dataset_id, o.job_id, i.dataset_id AS output_id
       FROM lineage_edges o
       LEFT JOIN lineage_edges i ON i.job_id = o.job_id AND i.direction = 'input' AND i.first_seen < $2
       WHERE o.dataset_id = ANY($1::uuid[]) AND o.direction = 'output' AND o.first_seen < $2
       ORDER BY o.dataset_id, o.job_id, i.dataset_id`,
      [datasetIds, before],
    );
  }
}

export interface GrantEvidenceRow {
  id: string;
  dataset: string;
  grantee_id: string;
  grantee_label: string | null;
  action: string;
  purpose: string;
  granted_at: Date;
  until: Date;
  end_reason: string | null;
  ended_at: Date | null;
  decided_automatically: boolean;
  rule_id: string | null;
  approver_ids: string[];
  approver_labels: (string | null)[];
}

export interface DownstreamModelRow {
  model: string;
  version: string;
  stage: string;
  dataset_id: string;
}
