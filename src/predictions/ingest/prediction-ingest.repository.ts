import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../../database/transaction-host';
import { CURRENT_HASH_VERSION } from '../chain/record-hash';

export interface RecordUpsert {
  modelName: string;
  correlationId: string;
  modelVersion: string;
  firstAt: Date;
  requestSeq: number | null;
  requestAt: Date | null;
  responseSeq: number | null;
  responseAt: Date | null;
  requestReceivedAt: Date | null;
  responseReceivedAt: Date | null;
  subjectHash: string | null;
  /** `<kind> <source> <id>` of the halves in the slots, and of other graph nodes' halves (migration 0012). */
  requestEvent: string | null;
  responseEvent: string | null;
  otherEvents: string[];
}

/** What a record already holds: whether each slot is filled, and the events (source + id) it was filled with. */
export interface StoredPair {
  request: boolean;
  response: boolean;
  events: Set<string>;
}

/** Writes a group-committed batch of halves: a fixed number of statements whatever its size. */
@Injectable()
export class PredictionIngestRepository {
  constructor(private readonly tx: TransactionHost) {}

  /** Creates the chain heads of models seen for the first time (genesis: seq 0). */
  async createHeads(models: string[], genesis: string): Promise<void> {
    await this.tx.query(
      `INSERT INTO prediction_chain_heads (model_name, seq, hash) SELECT m, 0, $2 FROM unnest($1::text[]) AS m ORDER BY m ON CONFLICT (model_name) DO NOTHING`,
      [models, genesis],
    );
  }

  /**
   * Locks the chain heads of `models` until the transaction ends, in name order so concurrent
   * batches (and replicas) cannot deadlock.
   */
  async lockHeads(models: string[]): Promise<Map<string, { seq: number; hash: string }>> {
    const rows = await this.tx.query<{ model_name: string; seq: string; hash: string }>(
      'SELECT model_name, seq, hash FROM prediction_chain_heads WHERE model_name = ANY($1::text[]) ORDER BY model_name FOR UPDATE',
      [models],
    );
    return new Map(rows.map((r) => [r.model_name, { seq: Number(r.seq), hash: r.hash }]));
  }

  /** Which halves of these (model, correlation id) pairs are already stored. */
  async storedHalves(keys: { modelName: string; correlationId: string }[]): Promise<Map<string, StoredPair>> {
    const rows = await this.tx.query<{
      model_name: string;
      correlation_id: string;
      request: boolean;
      response: boolean;
      events: (string | null)[];
    }>(
      `SELECT r.model_name, r.correlation_id, r.request_seq IS NOT NULL AS request, r.response_seq IS NOT NULL AS response,
              array_append(array_append(r.other_events, r.request_event), r.response_event) AS events
       FROM prediction_records r JOIN unnest($1::text[], $2::text[]) AS k(model_name, correlation_id) USING (correlation_id, model_name)`,
      [keys.map((k) => k.modelName), keys.map((k) => k.correlationId)],
    );
    return new Map(
      rows.map((r) => [
        `${r.model_name}\u0000${r.correlation_id}`,
        { request: r.request, response: r.response, events: new Set(r.events.filter((e): e is string => e !== null)) },
      ]),
    );
  }

  /**
   * Inserts the halves (a JSON array of rows with the chain columns; each payload as sent, either
   * as a member `payload` or, when it holds \u escapes, as its text in `payloadText`), adds each to its pair's index row (one row per pair, merged by the caller)
   * and moves the chain heads: one statement, so one round trip, whatever the batch size. Rows
   * travel as one JSON document each (json_to_recordset): one native JSON.stringify instead of
   * node-pg's per-element array escaping, and payloads are not stringified twice.
   */
  async write(halvesJson: string, records: RecordUpsert[], heads: { modelName: string; seq: number; hash: string }[]): Promise<void> {
    await this.tx.query(
      `WITH halves AS (
         INSERT INTO prediction_events (model_name, seq, received_at, kind, correlation_id, event_id, event_type, source, model_version, occurred_at,
           attributes, content_type, payload, subject_hash, sender, prev_hash, record_hash, hash_version)
         SELECT "modelName", seq, "receivedAt", kind, "correlationId", "eventId", "eventType", source, "modelVersion", "occurredAt",
           attributes, "contentType", COALESCE("payloadText"::json, payload), "subjectHash", sender, "prevHash", "recordHash", $4::smallint
         FROM json_to_recordset($1::json) AS x("modelName" text, seq bigint, "receivedAt" timestamptz, kind text, "correlationId" text, "eventId" text,
           "eventType" text, source text, "modelVersion" text, "occurredAt" timestamptz, attributes jsonb, "contentType" text, payload json, "payloadText" text,
           "subjectHash" text, sender text, "prevHash" text, "recordHash" text)
       ), pairs AS (
         INSERT INTO prediction_records AS r (model_name, correlation_id, model_version, first_at, request_seq, request_at, response_seq, response_at,
           request_received_at, response_received_at, subject_hash, request_event, response_event, other_events)
         SELECT "modelName", "correlationId", "modelVersion", "firstAt", "requestSeq", "requestAt", "responseSeq", "responseAt",
           "requestReceivedAt", "responseReceivedAt", "subjectHash", "requestEvent", "responseEvent", "otherEvents"
         FROM json_to_recordset($2::json) AS x("modelName" text, "correlationId" text, "modelVersion" text, "firstAt" timestamptz, "requestSeq" bigint,
           "requestAt" timestamptz, "responseSeq" bigint, "responseAt" timestamptz, "requestReceivedAt" timestamptz, "responseReceivedAt" timestamptz,
           "subjectHash" text, "requestEvent" text, "responseEvent" text, "otherEvents" text[])
         ON CONFLICT (correlation_id, model_name) DO UPDATE SET
           model_version = CASE WHEN r.model_version = '' THEN EXCLUDED.model_version ELSE r.model_version END,
           request_seq = COALESCE(r.request_seq, EXCLUDED.request_seq),
           request_at = COALESCE(r.request_at, EXCLUDED.request_at),
           response_seq = COALESCE(r.response_seq, EXCLUDED.response_seq),
           response_at = COALESCE(r.response_at, EXCLUDED.response_at),
           request_received_at = COALESCE(r.request_received_at, EXCLUDED.request_received_at),
           response_received_at = COALESCE(r.response_received_at, EXCLUDED.response_received_at),
           subject_hash = COALESCE(r.subject_hash, EXCLUDED.subject_hash),
           request_event = COALESCE(r.request_event, EXCLUDED.request_event),
           response_event = COALESCE(r.response_event, EXCLUDED.response_event),
           other_events = r.other_events || EXCLUDED.other_events
       )
       UPDATE prediction_chain_heads h SET seq = u.seq, hash = u.hash FROM json_to_recordset($3::json) AS u("modelName" text, seq bigint, hash text)
       WHERE h.model_name = u."modelName"`,
      [halvesJson, JSON.stringify(records), JSON.stringify(heads), CURRENT_HASH_VERSION],
    );
  }
}
