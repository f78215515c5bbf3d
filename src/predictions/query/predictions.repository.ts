import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../../database/transaction-host';

export interface RecordRow {
  id: string;
  model_name: string;
  correlation_id: string;
  model_version: string;
  first_at: Date;
  request_seq: string | null;
  request_at: Date | null;
  response_seq: string | null;
  response_at: Date | null;
  request_received_at: Date | null;
  response_received_at: Date | null;
  subject_hash: string | null;
}

export interface HalfRow {
  model_name: string;
  seq: string;
  received_at: Date;
  kind: 'request' | 'response';
  correlation_id: string;
  event_id: string;
  event_type: string;
  source: string;
  model_version: string;
  occurred_at: Date;
  attributes: Record<string, string>;
  content_type: string | null;
  payload: unknown;
  subject_hash: string | null;
  sender: string;
  prev_hash: string;
  record_hash: string;
}

export interface FeedbackRow {
  id: string;
  model_name: string;
  correlation_id: string;
  truth: unknown;
  reward: number | null;
  sender: string;
  received_at: Date;
}

export type PairStatus = 'PAIRED' | 'PENDING' | 'UNMATCHED';

export interface RecordFilter {
  model: string;
  version: string | null;
  from: Date | null;
  to: Date | null;
  status: PairStatus | null;
  subjectHash: string | null;
  /** Halves older than this without a partner are UNMATCHED. */
  unmatchedBefore: Date;
  after: { firstAt: string; id: string } | null;
  limit: number;
}

@Injectable()
export class PredictionsRepository {
  constructor(private readonly tx: TransactionHost) {}

  findByRequestId(requestId: string, model: string | null): Promise<RecordRow[]> {
    return this.tx.query<RecordRow>(
      'SELECT * FROM prediction_records WHERE correlation_id = $1 AND ($2::text IS NULL OR model_name = $2) ORDER BY model_name LIMIT 2',
      [requestId, model],
    );
  }

  list(f: RecordFilter): Promise<RecordRow[]> {
    return this.tx.query<RecordRow>(
      `SELECT * FROM prediction_records
       WHERE model_name = $1 AND ($2::text IS NULL OR model_version = $2)
         AND ($3::timestamptz IS NULL OR first_at >= $3) AND ($4::timestamptz IS NULL OR first_at < $4)
         AND ($5::text IS NULL OR subject_hash = $5)
         AND ($6::text IS NULL
              OR ($6 = 'PAIRED' AND request_seq IS NOT NULL AND response_seq IS NOT NULL)
              OR ($6 = 'PENDING' AND (request_seq IS NULL OR response_seq IS NULL) AND first_at >= $7)
              OR ($6 = 'UNMATCHED' AND (request_seq IS NULL OR response_seq IS NULL) AND first_at < $7))
         AND ($8::timestamptz IS NULL OR (first_at, id) > ($8, $9::bigint))
       ORDER BY first_at, id LIMIT $10`,
      [f.model, f.version, f.from, f.to, f.subjectHash, f.status, f.unmatchedBefore, f.after?.firstAt ?? null, f.after?.id ?? null, f.limit],
    );
  }

  /**
   * Halves by (model, chain position, arrival time); the payload column only when it is to be
   * shown. The arrival times are the partition key: PostgreSQL plans only their partitions. The
   * three lists may match a few more rows than asked (their cross product); the caller keys by
   * (model, seq).
   */
  halves(keys: { model: string; seq: string; receivedAt: Date | null }[], withPayload: boolean): Promise<HalfRow[]> {
    if (keys.length === 0) return Promise.resolve([]);
    const times = keys.map((k) => k.receivedAt).filter((t): t is Date => t !== null);
    return this.tx.query<HalfRow>(
      `SELECT e.model_name, e.seq, e.received_at, e.kind, e.correlation_id, e.event_id, e.event_type, e.source, e.model_version, e.occurred_at,
              e.attributes, e.content_type, ${withPayload ? 'e.payload' : 'NULL AS payload'}, e.subject_hash, e.sender, e.prev_hash, e.record_hash
       FROM prediction_events e
       WHERE e.model_name = ANY($1::text[]) AND e.seq = ANY($2::bigint[]) AND ($3::timestamptz[] IS NULL OR e.received_at = ANY($3::timestamptz[]))`,
      [[...new Set(keys.map((k) => k.model))], keys.map((k) => k.seq), times.length === keys.length ? times : null],
    );
  }

  feedback(keys: { model: string; correlationId: string }[]): Promise<FeedbackRow[]> {
    if (keys.length === 0) return Promise.resolve([]);
    return this.tx.query<FeedbackRow>(
      `SELECT f.* FROM prediction_feedback f JOIN unnest($1::text[], $2::text[]) AS k(model_name, correlation_id) USING (model_name, correlation_id)
       ORDER BY f.id`,
      [keys.map((k) => k.model), keys.map((k) => k.correlationId)],
    );
  }

  async insertFeedback(row: { model: string; correlationId: string; truth: unknown; reward: number | null; sender: string }): Promise<FeedbackRow> {
    const [saved] = await this.tx.query<FeedbackRow>(
      'INSERT INTO prediction_feedback (model_name, correlation_id, truth, reward, sender) VALUES ($1, $2, $3, $4, $5) RETURNING *',
      [row.model, row.correlationId, JSON.stringify(row.truth ?? null), row.reward, row.sender],
    );
    return saved!;
  }

  /** Per time bucket: records, records missing a half, latency percentiles (ms, from ce-time). */
  stats(model: string, version: string | null, from: Date, to: Date, bucket: 'hour' | 'day', unmatchedBefore: Date) {
    return this.tx.query<{ bucket: Date; count: string; incomplete: string; p50: number | null; p95: number | null; p99: number | null }>(
      `SELECT date_trunc($5, first_at) AS bucket, count(*) AS count,
              count(*) FILTER (WHERE (request_seq IS NULL OR response_seq IS NULL) AND first_at < $6) AS incomplete,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM response_at - request_at) * 1000) AS p50,
              percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM response_at - request_at) * 1000) AS p95,
              percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM response_at - request_at) * 1000) AS p99
       FROM prediction_records
       WHERE model_name = $1 AND ($2::text IS NULL OR model_version = $2) AND first_at >= $3 AND first_at < $4
       GROUP BY 1 ORDER BY 1`,
      [model, version, from, to, bucket, unmatchedBefore],
    );
  }

  /** The most frequent values at a path of the response payloads (text form), over a time range. */
  outputDistribution(model: string, version: string | null, from: Date, to: Date, path: string[]) {
    return this.tx.query<{ value: string | null; count: string }>(
      `SELECT e.payload #>> $5::text[] AS value, count(*) AS count
       FROM prediction_events e
       WHERE e.model_name = $1 AND ($2::text IS NULL OR e.model_version = $2) AND e.kind = 'response' AND e.received_at >= $3 AND e.received_at < $4
       GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 50`,
      [model, version, from, to, path],
    );
  }

  /**
   * Records per model and UTC day (days counted from `from`, a UTC midnight), for many models in one
   * statement; days without records are absent. Ranges over (model_name, first_at) of
   * prediction_records_model_day (migration 0014).
   */
  dailyCounts(models: string[], from: Date, to: Date) {
    return this.tx.query<{ model_name: string; day: Date; count: string }>(
      `SELECT model_name, date_bin('1 day', first_at, $2) AS day, count(*) AS count
       FROM prediction_records
       WHERE model_name = ANY($1::text[]) AND first_at >= $2 AND first_at < $3
       GROUP BY 1, 2`,
      [models, from, to],
    );
  }

  /** Records per model over the last hour, for models with a volume threshold. */
  volumes(since: Date) {
    return this.tx.query<{ model_name: string; min_hourly_volume: number; volume_alert_since: Date | null; count: string }>(
      `SELECT s.model_name, s.min_hourly_volume, s.volume_alert_since,
              (SELECT count(*) FROM prediction_records r WHERE r.model_name = s.model_name AND r.first_at >= $1) AS count
       FROM prediction_model_settings s WHERE s.min_hourly_volume IS NOT NULL ORDER BY s.model_name`,
      [since],
    );
  }

  /** Marks (or clears, with null) a model's volume alert; true if this call changed it. */
  async markVolumeAlert(model: string, since: Date | null): Promise<boolean> {
    const rows = await this.tx.query<{ model_name: string }>(
      `UPDATE prediction_model_settings SET volume_alert_since = $2
       WHERE model_name = $1 AND (volume_alert_since IS NULL) <> ($2::timestamptz IS NULL) RETURNING model_name`,
      [model, since],
    );
    return rows.length > 0;
  }

  async tryScheduleLock(): Promise<boolean> {
    const [row] = await this.tx.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS locked', [7_240_007]);
    return row?.locked === true;
  }

  /** Records with feedback in a range, with the request and response payloads (bias reports). */
  labelled(model: string, version: string | null, from: Date | null, to: Date | null, after: { firstAt: Date; id: string } | null, limit: number) {
    return this.tx.query<{ id: string; first_at: Date; request: unknown; response: unknown; truth: unknown }>(
      `SELECT r.id, r.first_at, q.payload AS request, s.payload AS response, f.truth
       FROM prediction_records r
       JOIN LATERAL (SELECT truth FROM prediction_feedback f WHERE f.model_name = r.model_name AND f.correlation_id = r.correlation_id ORDER BY f.id DESC LIMIT 1) f ON true
       LEFT JOIN prediction_events q ON q.model_name = r.model_name AND q.seq = r.request_seq AND q.received_at = r.request_received_at
       LEFT JOIN prediction_events s ON s.model_name = r.model_name AND s.seq = r.response_seq AND s.received_at = r.response_received_at
       WHERE r.model_name = $1 AND ($2::text IS NULL OR r.model_version = $2)
         AND ($3::timestamptz IS NULL OR r.first_at >= $3) AND ($4::timestamptz IS NULL OR r.first_at < $4)
         AND ($5::timestamptz IS NULL OR (r.first_at, r.id) > ($5, $6::bigint))
       ORDER BY r.first_at, r.id LIMIT $7`,
      [model, version, from, to, after?.firstAt ?? null, after?.id ?? null, limit],
    );
  }
}
