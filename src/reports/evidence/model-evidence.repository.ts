import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../../database/transaction-host';
import type { RiskTier } from '../pack/pack.types';

export interface ModelVersionEvidenceRow {
  model_id: string;
  version_id: string;
  name: string;
  version: string;
  domain: string;
  risk_tier: RiskTier;
  stage: string;
  created_at: Date;
  card_id: string | null;
}

export interface CardRevisionRow {
  revision: number;
  content: unknown;
  content_sha256: string;
  created_at: Date;
}

export interface CardReviewRow {
  revision: number;
  action: 'submit' | 'approve' | 'request_changes' | 'comment';
  actor: string;
  actor_label: string | null;
  actor_groups: string[];
  comment: string | null;
  signature: string | null;
  key_id: string | null;
  created_at: Date;
}

export interface StageRow {
  from_stage: string | null;
  to_stage: string;
  changed_by: string;
  changed_by_label: string | null;
  changed_at: Date;
  reason: string | null;
  exception_name: string | null;
}

export interface ExceptionRow {
  name: string;
  reason: string;
  waives: string[];
  granted_by: string;
  granted_by_label: string | null;
  granted_at: Date;
  expires_at: Date;
  audit_seq: string | null;
}

export interface BiasRow {
  id: string;
  protected_attribute: string;
  report: {
    groups: { group: string; count: number; selectionRate: { value: number | null }; belowMinimum: boolean }[];
    demographicParityRatio?: { value: number | null };
  };
  created_at: Date;
  source: string;
}

export interface PredictionTotalsRow {
  total: string;
  errors: string;
  p50: number | null;
  p90: number | null;
  p99: number | null;
  max: number | null;
}

export interface PredictionDayRow {
  day: string;
  count: string;
  errors: string;
}

export interface SampleRow {
  id: string;
  first_at: Date;
  latency_ms: number | null;
  complete: boolean;
  request_sha256: string | null;
  request_bytes: number | null;
  response_sha256: string | null;
  response_bytes: number | null;
  output: string | null;
  chain_hash: string | null;
}

/**
 * The output of a response, whatever the serving protocol: Seldon `data.ndarray[0]` (or its first
 * element when that is a row), KServe v1 `predictions[0]`, Open Inference Protocol `outputs[0].data[0]`.
 */
const OUTPUT = `coalesce(e.payload #>> '{data,ndarray,0,0}', e.payload #>> '{data,ndarray,0}', e.payload #>> '{predictions,0}', e.payload #>> '{outputs,0,data,0}')`;

/**
 * Read-only SQL over the model registry and prediction tables for a model audit pack. Aggregates
 * run in PostgreSQL: a million records in the period come back as a few dozen rows.
 */
@Injectable()
export class ModelEvidenceRepository {
  constructor(private readonly tx: TransactionHost) {}

  async modelVersion(name: string, version: string): Promise<ModelVersionEvidenceRow | undefined> {
    const rows = await this.tx.query<ModelVersionEvidenceRow>(
      `SELECT m.id AS model_id, v.id AS version_id, m.name, v.version, m.domain, m.risk_tier, v.stage, v.created_at, c.id AS card_id
       FROM models m JOIN model_versions v ON v.model_id = m.id LEFT JOIN model_cards c ON c.model_version_id = v.id
       WHERE m.name = $1 AND v.version = $2`,
      [name, version],
    );
    return rows[0];
  }

  async cardRevisions(cardId: string, before: Date): Promise<CardRevisionRow[]> {
    return this.tx.query<CardRevisionRow>(
      'SELECT revision, content, content_sha256, created_at FROM model_card_revisions WHERE card_id = $1 AND created_at < $2 ORDER BY revision',
      [cardId, before],
    );
  }

  async cardReviews(cardId: string, before: Date): Promise<CardReviewRow[]> {
    return this.tx.query<CardReviewRow>(
      `SELECT r.revision, r.action, r.actor, coalesce(p.email, p.name) AS actor_label, coalesce(p.idp_groups, '{}') AS actor_groups,
              r.comment, r.signature, r.key_id, r.created_at
       FROM model_card_reviews r LEFT JOIN principals p ON p.id::text = r.actor
       WHERE r.card_id = $1 AND r.created_at < $2 ORDER BY r.id`,
      [cardId, before],
    );
  }

  async stageHistory(versionId: string, before: Date): Promise<StageRow[]> {
    return this.tx.query<StageRow>(
      `SELECT h.from_stage, h.to_stage, h.changed_by, coalesce(p.email, p.name) AS changed_by_label, h.changed_at, h.reason, e.name AS exception_name
       FROM model_stage_history h
       LEFT JOIN principals p ON p.id::text = h.changed_by
       LEFT JOIN model_promotion_exceptions e ON e.id = h.exception_id
       WHERE h.model_version_id = $1 AND h.changed_at < $2 ORDER BY h.id`,
      [versionId, before],
    );
  }

  /** Promotion exceptions in force at some point of [from, to), with the audit event that granted each (target `model:<name>@<version>`). */
  async exceptions(versionId: string, auditTarget: string, from: Date, to: Date): Promise<ExceptionRow[]> {
    return this.tx.query<ExceptionRow>(
      `SELECT e.name, e.reason, e.waives, e.granted_by, coalesce(p.email, p.name) AS granted_by_label, e.granted_at, e.expires_at,
              (SELECT a.seq FROM governance_audit_events a WHERE a.target = $4 AND a.action = 'model.exception.grant' AND a.details ->> 'exceptionId' = e.id::text
               ORDER BY a.seq LIMIT 1) AS audit_seq
       FROM model_promotion_exceptions e LEFT JOIN principals p ON p.id::text = e.granted_by
       WHERE e.model_version_id = $1 AND e.granted_at < $3 AND e.expires_at > $2 ORDER BY e.granted_at, e.id`,
      [versionId, from, to, auditTarget],
    );
  }

  async datasetIds(versionId: string): Promise<{ dataset_id: string; role: string }[]> {
    return this.tx.query('SELECT dataset_id, role FROM model_version_datasets WHERE model_version_id = $1 ORDER BY role DESC, dataset_id', [versionId]);
  }

  /** Bias reports computed by the end of the period: the latest per protected attribute, plus those made in the period. */
  async biasReports(versionId: string, from: Date, to: Date): Promise<BiasRow[]> {
    return this.tx.query<BiasRow>(
      `SELECT id, protected_attribute, report, created_at, source FROM model_bias_reports b
       WHERE model_version_id = $1 AND created_at < $3
         AND (created_at >= $2 OR NOT EXISTS (SELECT 1 FROM model_bias_reports n WHERE n.model_version_id = b.model_version_id
              AND n.protected_attribute = b.protected_attribute AND n.created_at < $3 AND (n.created_at, n.id) > (b.created_at, b.id)))
       ORDER BY created_at, id LIMIT 100`,
      [versionId, from, to],
    );
  }

  /** Totals and latency percentiles (ms, response − request event time); an error is a record still missing a half at `unmatchedBefore`. */
  async predictionTotals(model: string, version: string, from: Date, to: Date, unmatchedBefore: Date): Promise<PredictionTotalsRow> {
    const [row] = await this.tx.query<PredictionTotalsRow>(
      `SELECT count(*) AS total,
              count(*) FILTER (WHERE (request_seq IS NULL OR response_seq IS NULL) AND first_at < $5) AS errors,
              round(percentile_cont(0.5) WITHIN GROUP (ORDER BY l)::numeric, 1)::float8 AS p50,
              round(percentile_cont(0.9) WITHIN GROUP (ORDER BY l)::numeric, 1)::float8 AS p90,
              round(percentile_cont(0.99) WITHIN GROUP (ORDER BY l)::numeric, 1)::float8 AS p99,
              round(max(l)::numeric, 1)::float8 AS max
       FROM (SELECT request_seq, response_seq, first_at, extract(epoch FROM response_at - request_at) * 1000 AS l
             FROM prediction_records WHERE model_name = $1 AND model_version = $2 AND first_at >= $3 AND first_at < $4) r`,
      [model, version, from, to, unmatchedBefore],
    );
    return row!;
  }

  async predictionDays(model: string, version: string, from: Date, to: Date, unmatchedBefore: Date): Promise<PredictionDayRow[]> {
    return this.tx.query<PredictionDayRow>(
      `SELECT to_char(date_trunc('day', first_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS day, count(*) AS count,
              count(*) FILTER (WHERE (request_seq IS NULL OR response_seq IS NULL) AND first_at < $5) AS errors
       FROM prediction_records WHERE model_name = $1 AND model_version = $2 AND first_at >= $3 AND first_at < $4
       GROUP BY 1 ORDER BY 1`,
      [model, version, from, to, unmatchedBefore],
    );
  }

  /** Responses by output: numeric scores in tenths ("[0.3, 0.4)"), labels as they are (first 40 characters). */
  async outputDistribution(model: string, version: string, from: Date, to: Date): Promise<{ label: string; count: string }[]> {
    return this.tx.query<{ label: string; count: string }>(
      `SELECT CASE WHEN o ~ '^-?[0-9]+(\\.[0-9]+)?([eE]-?[0-9]+)?$'
                   THEN '[' || (floor(o::float8 * 10) / 10)::numeric(20, 1) || ', ' || ((floor(o::float8 * 10) + 1) / 10)::numeric(20, 1) || ')'
                   ELSE left(coalesce(o, '(none)'), 40) END AS label,
              count(*) AS count
       FROM (SELECT ${OUTPUT} AS o FROM prediction_events e
             WHERE e.model_name = $1 AND e.model_version = $2 AND e.kind = 'response' AND e.received_at >= $3 AND e.received_at < $4) x
       GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 20`,
      [model, version, from, to],
    );
  }

  /**
   * A reproducible sample: the records with the smallest md5(seed || request id), so the same report
   * id picks the same records. Payloads leave the database only as their SHA-256 and size.
   */
  async sample(model: string, version: string, from: Date, to: Date, seed: string, size: number): Promise<SampleRow[]> {
    return this.tx.query<SampleRow>(
      `SELECT r.correlation_id AS id, r.first_at,
              round((extract(epoch FROM r.response_at - r.request_at) * 1000)::numeric, 1)::float8 AS latency_ms,
              (r.request_seq IS NOT NULL AND r.response_seq IS NOT NULL) AS complete,
              encode(sha256(convert_to(q.payload::text, 'UTF8')), 'hex') AS request_sha256, octet_length(q.payload::text) AS request_bytes,
              encode(sha256(convert_to(e.payload::text, 'UTF8')), 'hex') AS response_sha256, octet_length(e.payload::text) AS response_bytes,
              left(${OUTPUT}, 40) AS output, coalesce(e.record_hash, q.record_hash) AS chain_hash
       FROM (SELECT * FROM prediction_records WHERE model_name = $1 AND model_version = $2 AND first_at >= $3 AND first_at < $4
             ORDER BY md5($5 || correlation_id), correlation_id LIMIT $6) r
       LEFT JOIN prediction_events q ON q.model_name = r.model_name AND q.seq = r.request_seq AND q.received_at = r.request_received_at
       LEFT JOIN prediction_events e ON e.model_name = r.model_name AND e.seq = r.response_seq AND e.received_at = r.response_received_at
       ORDER BY r.first_at, r.correlation_id`,
      [model, version, from, to, seed, size],
    );
  }
}
