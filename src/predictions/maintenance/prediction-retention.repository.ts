import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../../database/transaction-host';
import type { PredictionSettingsRow } from '../settings/prediction-settings.repository';

@Injectable()
export class PredictionRetentionRepository {
  constructor(private readonly tx: TransactionHost) {}

  /** The daily partitions of prediction_events (not the default one). */
  async partitions(): Promise<string[]> {
    const rows = await this.tx.query<{ relname: string }>(
      `SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = 'prediction_events'::regclass AND c.relname ~ '^prediction_events_[0-9]{8}$' ORDER BY c.relname`,
    );
    return rows.map((r) => r.relname);
  }

  /** Per model in a partition: its newest chain position there and that row's hash. */
  lastOfEachModel(partition: string): Promise<{ model_name: string; seq: string; record_hash: string }[]> {
    return this.tx.query(`SELECT DISTINCT ON (model_name) model_name, seq, record_hash FROM ${partition} ORDER BY model_name, seq DESC`);
  }

  settings(models: string[]): Promise<PredictionSettingsRow[]> {
    return this.tx.query<PredictionSettingsRow>('SELECT * FROM prediction_model_settings WHERE model_name = ANY($1::text[])', [models]);
  }

  async lock(): Promise<void> {
    await this.tx.query('SELECT pg_advisory_xact_lock($1)', [7_240_006]);
  }

  async insertCheckpoint(c: { model: string; seq: number; hash: string; droppedTo: Date; signature: string }): Promise<void> {
    await this.tx.query(
      'INSERT INTO prediction_checkpoints (model_name, seq, hash, dropped_to, signature) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING',
      [c.model, c.seq, c.hash, c.droppedTo, c.signature],
    );
  }

  /** Removes the index rows (and their feedback) of pairs whose every half is at or before `seq`. */
  async deleteRecordsUpTo(model: string, seq: number): Promise<number> {
    await this.tx.query(
      `DELETE FROM prediction_feedback f USING prediction_records r
       WHERE f.model_name = r.model_name AND f.correlation_id = r.correlation_id
         AND r.model_name = $1 AND COALESCE(r.request_seq, 0) <= $2 AND COALESCE(r.response_seq, 0) <= $2`,
      [model, seq],
    );
    const rows = await this.tx.query<{ n: number }>(
      `WITH d AS (DELETE FROM prediction_records WHERE model_name = $1 AND COALESCE(request_seq, 0) <= $2 AND COALESCE(response_seq, 0) <= $2 RETURNING 1)
       SELECT count(*)::int AS n FROM d`,
      [model, seq],
    );
    return rows[0]?.n ?? 0;
  }

  async drop(partition: string): Promise<void> {
    await this.tx.query(`DROP TABLE ${partition}`);
  }
}
