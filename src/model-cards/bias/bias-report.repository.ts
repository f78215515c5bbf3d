import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../../database/transaction-host';
import type { BiasMetrics } from './bias-metrics';

export type BiasSource = 'group_results' | 'samples' | 'prediction_records';

export interface BiasReportRow {
  id: string;
  model_version_id: string;
  card_id: string;
  card_revision: number;
  source: BiasSource;
  protected_attribute: string;
  report: BiasMetrics;
  created_by: string;
  created_at: Date;
}

const COLUMNS = 'id, model_version_id, card_id, card_revision, source, protected_attribute, report, created_by, created_at';

@Injectable()
export class BiasReportRepository {
  constructor(private readonly tx: TransactionHost) {}

  async insert(r: Omit<BiasReportRow, 'id' | 'created_at'>): Promise<BiasReportRow> {
    const rows = await this.tx.query<BiasReportRow>(
      `INSERT INTO model_bias_reports (model_version_id, card_id, card_revision, source, protected_attribute, report, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
      [r.model_version_id, r.card_id, r.card_revision, r.source, r.protected_attribute, JSON.stringify(r.report), r.created_by],
    );
    return rows[0]!;
  }

  /** Newest first; the cursor is (created_at, id) of the last row shown. */
  list(versionId: string, after: { createdAt: string; id: string } | null, limit: number): Promise<BiasReportRow[]> {
    return this.tx.query<BiasReportRow>(
      `SELECT ${COLUMNS} FROM model_bias_reports
       WHERE model_version_id = $1 AND ($2::timestamptz IS NULL OR (created_at, id) < ($2::timestamptz, $3::uuid))
       ORDER BY created_at DESC, id DESC LIMIT $4`,
      [versionId, after?.createdAt ?? null, after?.id ?? null, limit],
    );
  }

  async latest(versionId: string): Promise<BiasReportRow | null> {
    return (await this.list(versionId, null, 1))[0] ?? null;
  }

  /** The newest report for each protected attribute reported on the version. */
  latestPerAttribute(versionId: string): Promise<BiasReportRow[]> {
    return this.tx.query<BiasReportRow>(
      `SELECT DISTINCT ON (protected_attribute) ${COLUMNS} FROM model_bias_reports
       WHERE model_version_id = $1
       ORDER BY protected_attribute, created_at DESC, id DESC`,
      [versionId],
    );
  }
}
