import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '../../auth/principal';
import { AuthorizationService } from '../../authz/authorization.service';
import { AppError, ErrorCode, requireValidDate } from '../../common/app-error';
import { decodeCursor, encodeTimeIdCursor, validatePageSize } from '../../common/graphql/pagination';
import { CHARTER_CONFIG, type CharterConfig } from '../../config/config';
import { TransactionHost } from '../../database/transaction-host';
import { GovernanceAuditService } from '../../governance-audit/governance-audit.service';
import { principalLabel } from '../../governance-audit/principal-label';
import { isValidPath, keyText, valuesAt } from '../ingest/payload-paths';
import { PredictionKeys } from '../settings/prediction-keys';
import { PredictionsRepository, type FeedbackRow, type HalfRow, type PairStatus, type RecordRow } from './predictions.repository';

export const PAYLOAD_PERMISSION = 'predictions.readPayload';
const MAX_VOLUME_DAYS = 90;
const DAY_MS = 86_400_000;

/** The `days` argument of a prediction volume series. */
export function requireVolumeDays(days: number): number {
  if (!Number.isInteger(days) || days < 1 || days > MAX_VOLUME_DAYS) {
    throw AppError.badInput('days', `days must be a whole number from 1 to ${MAX_VOLUME_DAYS}`);
  }
  return days;
}

/** A record as the API shows it: the pair index row, its halves and its feedback. */
export interface PredictionView {
  record: RecordRow;
  status: PairStatus;
  request: HalfRow | null;
  response: HalfRow | null;
  feedback: FeedbackRow[];
  payloadsShown: boolean;
}

export interface PredictionPage {
  views: PredictionView[];
  hasNextPage: boolean;
  endCursor: string | null;
}

export interface PredictionListInput {
  model: string;
  version?: string | null;
  from?: Date | null;
  to?: Date | null;
  status?: PairStatus | null;
  subjectId?: string | null;
  includePayloads: boolean;
  first: number;
  after?: string | null;
}

export interface LabelledOutcome {
  group: string;
  predicted: unknown;
  actual: unknown;
}

export interface LabelledOutcomesQuery {
  model: string;
  version?: string | null;
  from?: Date | null;
  to?: Date | null;
  /** Dotted path in the request payload, e.g. `customer.gender`. */
  protectedAttribute: string;
  /** Dotted path in the response payload (and in the feedback's truth, when it has the same shape). */
  outcome: string;
}

@Injectable()
export class PredictionsService {
  constructor(
    private readonly repository: PredictionsRepository,
    private readonly authorization: AuthorizationService,
    private readonly audit: GovernanceAuditService,
    private readonly keys: PredictionKeys,
    private readonly tx: TransactionHost,
    @Inject(CHARTER_CONFIG) private readonly config: CharterConfig,
  ) {}

  private unmatchedBefore(): Date {
    return new Date(Date.now() - this.config.predictions.pairingTimeoutSeconds * 1000);
  }

  async prediction(principal: Principal, requestId: string, model: string | null, includePayloads: boolean): Promise<PredictionView | null> {
    const rows = await this.repository.findByRequestId(requestId, model);
    if (rows.length > 1) throw AppError.badInput('model', `request id ${requestId} is logged for several models; name the model`);
    const [view] = await this.views(principal, rows, includePayloads);
    return view ?? null;
  }

  async list(principal: Principal, input: PredictionListInput): Promise<PredictionPage> {
    const first = validatePageSize(input.first);
    if (input.from) requireValidDate('from', input.from);
    if (input.to) requireValidDate('to', input.to);
    let after: { firstAt: string; id: string } | null = null;
    if (input.after) {
      const [firstAt, id] = decodeCursor(input.after).split('|');
      if (!firstAt || !id || !/^\d+$/.test(id)) throw AppError.badInput('after', 'after is not a cursor returned by this API');
      after = { firstAt, id };
    }
    const subjectHash = input.subjectId ? await this.keys.hmac('subject', input.subjectId) : null;
    const rows = await this.repository.list({
      model: input.model,
      version: input.version ?? null,
      from: input.from ?? null,
      to: input.to ?? null,
      status: input.status ?? null,
      subjectHash,
      unmatchedBefore: this.unmatchedBefore(),
      after,
      limit: first + 1,
    });
    const page = rows.slice(0, first);
    const last = page.at(-1);
    return {
      views: await this.views(principal, page, input.includePayloads),
      hasNextPage: rows.length > first,
      endCursor: last ? encodeTimeIdCursor(last.first_at, last.id) : null,
    };
  }

  private async views(principal: Principal, rows: RecordRow[], includePayloads: boolean): Promise<PredictionView[]> {
    if (rows.length === 0) return [];
    if (includePayloads) {
      await this.authorizePayloadRead(principal, {
        target: `model:${[...new Set(rows.map((r) => r.model_name))].join(',')}`,
        details: { records: rows.map((r) => ({ model: r.model_name, requestId: r.correlation_id })) },
        instead: 'ask without includePayloads',
      });
    }
    const keys = rows.flatMap((r) => [
      ...(r.request_seq ? [{ model: r.model_name, seq: r.request_seq, receivedAt: r.request_received_at }] : []),
      ...(r.response_seq ? [{ model: r.model_name, seq: r.response_seq, receivedAt: r.response_received_at }] : []),
    ]);
    const halves = new Map((await this.repository.halves(keys, includePayloads)).map((h) => [`${h.model_name}\u0000${h.seq}`, h]));
    const feedback = await this.repository.feedback(rows.map((r) => ({ model: r.model_name, correlationId: r.correlation_id })));
    const unmatchedBefore = this.unmatchedBefore();
    return rows.map((record) => ({
      record,
      status: record.request_seq && record.response_seq ? 'PAIRED' : record.first_at < unmatchedBefore ? 'UNMATCHED' : 'PENDING',
      request: record.request_seq ? (halves.get(`${record.model_name}\u0000${record.request_seq}`) ?? null) : null,
      response: record.response_seq ? (halves.get(`${record.model_name}\u0000${record.response_seq}`) ?? null) : null,
      feedback: feedback.filter((f) => f.model_name === record.model_name && f.correlation_id === record.correlation_id),
      payloadsShown: includePayloads,
    }));
  }

  /**
   * Reading payload values — records with payloads, an output distribution, a bias report's groups —
   * needs its own permission (in `domain` when the caller knows the model's), and every read and
   * refusal is audited. The one place that decides it, for this module and its callers.
   */
  async authorizePayloadRead(
    principal: Principal,
    read: { target: string; domain?: string; details: Record<string, unknown>; instead: string },
  ): Promise<void> {
    const event = { action: 'predictions.payload.read', actorId: principal.id, actorLabel: principalLabel(principal), target: read.target };
    const where = read.domain ? ` in domain ${read.domain}` : '';
    if (!this.authorization.check(principal, PAYLOAD_PERMISSION, read.domain).allowed) {
      await this.audit.recordIndependently({ ...event, decision: 'deny', reason: `no policy grants ${PAYLOAD_PERMISSION}${where}`, details: read.details });
      throw new AppError(ErrorCode.FORBIDDEN, `${PAYLOAD_PERMISSION} is not granted${where}: ${read.instead}`);
    }
    await this.audit.record({ ...event, decision: 'allow', details: read.details });
  }

  async stats(principal: Principal, model: string, version: string | null, from: Date, to: Date, bucket: 'hour' | 'day', outputField: string | null) {
    requireValidDate('from', from);
    requireValidDate('to', to);
    if (outputField !== null && !isValidPath(outputField)) throw AppError.badInput('outputField', `"${outputField}" is not a dotted field path`);
    // A distribution lists payload values (at any path, over any window): it is a payload read.
    if (outputField !== null) {
      await this.authorizePayloadRead(principal, {
        target: `model:${model}`,
        details: { purpose: 'output distribution', outputField, from, to },
        instead: 'an output distribution reads payload values; ask without outputField',
      });
    }
    const buckets = await this.repository.stats(model, version, from, to, bucket, this.unmatchedBefore());
    const outputs = outputField ? await this.repository.outputDistribution(model, version, from, to, outputField.split('.')) : [];
    return {
      buckets: buckets.map((b) => ({
        start: b.bucket,
        count: Number(b.count),
        errorRate: Number(b.count) === 0 ? 0 : Number(b.incomplete) / Number(b.count),
        latencyP50Ms: b.p50,
        latencyP95Ms: b.p95,
        latencyP99Ms: b.p99,
      })),
      outputs: outputs.map((o) => ({ value: o.value, count: Number(o.count) })),
    };
  }

  /**
   * Each model's records per UTC day over the `days` days ending today (today so far last), oldest
   * first, every day present (0 when none): one query for all the models. Callers authorize.
   */
  async dailyVolumes(models: readonly string[], days: number, now = new Date()): Promise<{ day: Date; count: number }[][]> {
    requireVolumeDays(days);
    const tomorrow = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
    const from = new Date(tomorrow - days * DAY_MS);
    const rows = models.length ? await this.repository.dailyCounts([...new Set(models)], from, new Date(tomorrow)) : [];
    const counts = new Map(rows.map((r) => [`${r.model_name}\u0000${r.day.getTime()}`, Number(r.count)]));
    return models.map((model) =>
      Array.from({ length: days }, (_, i) => {
        const day = new Date(from.getTime() + i * DAY_MS);
        return { day, count: counts.get(`${model}\u0000${day.getTime()}`) ?? 0 };
      }),
    );
  }

  /** Models whose records over the last hour fell below their minHourlyVolume. */
  async volumeAlerts(now = new Date()) {
    const rows = await this.repository.volumes(new Date(now.getTime() - 3_600_000));
    return rows
      .filter((r) => Number(r.count) < r.min_hourly_volume)
      .map((r) => ({ modelName: r.model_name, threshold: r.min_hourly_volume, lastHourCount: Number(r.count), since: r.volume_alert_since }));
  }

  /**
   * The alert rule, run on a schedule by one replica at a time: a model entering the alert (a
   * silent model) writes a governance event once; recovering writes another.
   */
  async checkVolumes(now = new Date()): Promise<void> {
    await this.tx.run(async () => {
      if (!(await this.repository.tryScheduleLock())) return;
      for (const r of await this.repository.volumes(new Date(now.getTime() - 3_600_000))) {
        const low = Number(r.count) < r.min_hourly_volume;
        if (!(await this.repository.markVolumeAlert(r.model_name, low ? now : null))) continue;
        await this.audit.record({
          action: low ? 'predictions.volume.drop' : 'predictions.volume.recovered',
          decision: 'allow',
          actorLabel: 'volume alert rule',
          target: `model:${r.model_name}`,
          details: { lastHourCount: Number(r.count), minHourlyVolume: r.min_hourly_volume },
        });
      }
    });
  }

  /**
   * For bias and accuracy reports (issue 6): every record with feedback, as its protected group
   * (value at `protectedAttribute` in the request payload), the predicted outcome (at `outcome` in
   * the response payload) and the actual one (the latest feedback's truth, at `outcome` when the
   * truth has the response's shape, else the truth as sent). Payloads here are stored ones, i.e.
   * already redacted or pseudonymised. In order of the records' first arrival.
   */
  async *labelledOutcomes(q: LabelledOutcomesQuery): AsyncIterable<LabelledOutcome> {
    if (!isValidPath(q.protectedAttribute)) throw AppError.badInput('protectedAttribute', `"${q.protectedAttribute}" is not a dotted field path`);
    if (!isValidPath(q.outcome)) throw AppError.badInput('outcome', `"${q.outcome}" is not a dotted field path`);
    let after: { firstAt: Date; id: string } | null = null;
    for (;;) {
      const rows = await this.repository.labelled(q.model, q.version ?? null, q.from ?? null, q.to ?? null, after, 1000);
      for (const row of rows) {
        const group = valuesAt(row.request, q.protectedAttribute)[0];
        const inTruth = valuesAt(row.truth, q.outcome);
        yield {
          group: group === undefined || group === null ? 'unknown' : keyText(group),
          predicted: valuesAt(row.response, q.outcome)[0] ?? null,
          actual: inTruth.length > 0 ? inTruth[0] : row.truth,
        };
      }
      if (rows.length < 1000) return;
      const last = rows.at(-1)!;
      after = { firstAt: last.first_at, id: last.id };
    }
  }

  /** Attaches ground truth to a logged prediction (REST and GraphQL), audited. */
  async addFeedback(principal: Principal, input: { requestId: string; model?: string | null; truth?: unknown; reward?: number | null }): Promise<FeedbackRow> {
    if (!input.requestId) throw AppError.badInput('requestId', 'requestId is required (or a Seldon-Puid / Ce-Requestid header, or response.meta.puid)');
    if (input.reward != null && !Number.isFinite(input.reward)) throw AppError.badInput('reward', 'reward must be a number');
    if (input.truth === undefined && input.reward == null) throw AppError.badInput('truth', 'feedback needs a truth or a reward');
    return this.tx.run(() => this.storeFeedback(principal, { ...input, requestId: input.requestId }));
  }

  private async storeFeedback(
    principal: Principal,
    input: { requestId: string; model?: string | null; truth?: unknown; reward?: number | null },
  ): Promise<FeedbackRow> {
    const rows = await this.repository.findByRequestId(input.requestId, input.model ?? null);
    if (rows.length === 0) throw AppError.notFound(`prediction ${input.requestId}`);
    if (rows.length > 1) throw AppError.badInput('model', `request id ${input.requestId} is logged for several models; name the model`);
    const record = rows[0]!;
    const saved = await this.repository.insertFeedback({
      model: record.model_name,
      correlationId: record.correlation_id,
      truth: input.truth ?? null,
      reward: input.reward ?? null,
      sender: principal.subject,
    });
    await this.audit.record({
      action: 'predictions.feedback',
      decision: 'allow',
      actorId: principal.id,
      actorLabel: principalLabel(principal),
      target: `prediction:${record.model_name}/${record.correlation_id}`,
      details: { feedbackId: saved.id, reward: saved.reward },
    });
    return saved;
  }
}
