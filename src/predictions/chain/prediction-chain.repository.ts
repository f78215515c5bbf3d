import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../../database/transaction-host';
import type { HalfRow } from '../query/predictions.repository';

/** A half as the chain hash sees it: the payload as its stored JSON text. */
export interface ChainRow extends Omit<HalfRow, 'payload'> {
  payload_text: string | null;
  hash_version: number;
}

@Injectable()
export class PredictionChainRepository {
  constructor(private readonly tx: TransactionHost) {}

  async head(model: string): Promise<{ seq: number; hash: string } | null> {
    const [row] = await this.tx.query<{ seq: string; hash: string }>('SELECT seq, hash FROM prediction_chain_heads WHERE model_name = $1', [model]);
    return row ? { seq: Number(row.seq), hash: row.hash } : null;
  }

  /** The first and last chain positions stored in a time range (all of the chain when open). */
  async seqRange(model: string, from: Date | null, to: Date | null): Promise<{ min: number; max: number } | null> {
    const [row] = await this.tx.query<{ min: string | null; max: string | null }>(
      `SELECT min(seq) AS min, max(seq) AS max FROM prediction_events
       WHERE model_name = $1 AND ($2::timestamptz IS NULL OR received_at >= $2) AND ($3::timestamptz IS NULL OR received_at < $3)`,
      [model, from, to],
    );
    return row?.min == null || row.max == null ? null : { min: Number(row.min), max: Number(row.max) };
  }

  /** Rows from `fromSeq` on, in chain order: every row with that model and seq, including stray copies. */
  page(model: string, fromSeq: number, toSeq: number, limit: number): Promise<ChainRow[]> {
    return this.tx.query<ChainRow>(
      `SELECT model_name, seq, received_at, kind, correlation_id, event_id, event_type, source, model_version, occurred_at, attributes, content_type,
         payload::text AS payload_text, subject_hash, sender, prev_hash, record_hash, hash_version FROM prediction_events WHERE model_name = $1 AND seq >= $2 AND seq <= $3 ORDER BY seq, received_at LIMIT $4`,
      [model, fromSeq, toSeq, limit],
    );
  }

  async hashAt(model: string, seq: number): Promise<string | null> {
    const [row] = await this.tx.query<{ record_hash: string }>('SELECT record_hash FROM prediction_events WHERE model_name = $1 AND seq = $2 LIMIT 1', [
      model,
      seq,
    ]);
    return row?.record_hash ?? null;
  }

  async checkpointAt(model: string, seq: number): Promise<{ hash: string; signature: string; dropped_to: Date } | null> {
    const [row] = await this.tx.query<{ hash: string; signature: string; dropped_to: Date }>(
      'SELECT hash, signature, dropped_to FROM prediction_checkpoints WHERE model_name = $1 AND seq = $2',
      [model, seq],
    );
    return row ?? null;
  }
}
