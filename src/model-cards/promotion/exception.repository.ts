import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../../database/transaction-host';
import type { Waivable } from './promotion-gate';

export interface ExceptionRow {
  id: string;
  model_version_id: string;
  name: string;
  reason: string;
  waives: Waivable[];
  granted_by: string;
  granted_at: Date;
  expires_at: Date;
}

const COLUMNS = 'id, model_version_id, name, reason, waives, granted_by, granted_at, expires_at';

@Injectable()
export class ExceptionRepository {
  constructor(private readonly tx: TransactionHost) {}

  async insert(e: Omit<ExceptionRow, 'id' | 'granted_at'>): Promise<ExceptionRow> {
    const rows = await this.tx.query<ExceptionRow>(
      `INSERT INTO model_promotion_exceptions (model_version_id, name, reason, waives, granted_by, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
      [e.model_version_id, e.name, e.reason, e.waives, e.granted_by, e.expires_at],
    );
    return rows[0]!;
  }

  /** All exceptions of a version, live ones first, so every card and report shows them. */
  forVersion(versionId: string): Promise<ExceptionRow[]> {
    return this.tx.query<ExceptionRow>(`SELECT ${COLUMNS} FROM model_promotion_exceptions WHERE model_version_id = $1 ORDER BY expires_at DESC, id`, [
      versionId,
    ]);
  }
}
