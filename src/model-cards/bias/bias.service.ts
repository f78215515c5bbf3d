import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '../../auth/principal';
import { AppError, isUuid } from '../../common/app-error';
import { decodeCursor, encodeCursor } from '../../common/graphql/pagination';
import { GovernanceAuditService } from '../../governance-audit/governance-audit.service';
import { CardService } from '../cards/card.service';
import { MODEL_POLICIES } from '../model-policies.provider';
import type { ModelPolicies, RiskTier } from '../model-policies';
import { biasViolations } from '../promotion/promotion-gate';
import { actorOf } from '../registry/registry.service';
import { PredictionsService } from '../../predictions/query/predictions.service';
import { countsFromSampleStream, type BiasSample, type ConfusionCounts, type Outcome } from './bias-metrics';
import { BiasComputer } from './bias-computer';
import { BiasReportRepository, type BiasReportRow } from './bias-report.repository';

// The bootstrap resamples every compared group 2,000 times (on BiasComputer's worker thread): at
// this cap, 64 records a group, that is 0.6 s (`npm run bench:models` prints it; 1,000 groups took
// 3.4 s). A protected attribute with more groups (postcodes, say) needs bucketing before a
// per-group report means anything anyway.
export const MAX_GROUPS = 200;
export const MAX_INLINE_SAMPLES = 100_000;

export interface GroupResult {
  group: string;
  truePositives: number;
  falsePositives: number;
  trueNegatives: number;
  falseNegatives: number;
}

/** Which logged predictions (with feedback) of the version a report is computed from. */
export interface PredictionRecordsQuery {
  /** Dotted path of the protected attribute in the request payload, e.g. `applicant.sex`. */
  protectedAttributePath: string;
  /** Dotted path of the outcome in the response payload (and in the feedback's truth). */
  outcomePath: string;
  from?: Date | null;
  to?: Date | null;
}

export type BiasInput =
  | { source: 'group_results'; groupResults: GroupResult[] }
  | { source: 'samples'; samples: Iterable<BiasSample> | AsyncIterable<BiasSample>; positiveLabel?: string }
  | { source: 'prediction_records'; records: PredictionRecordsQuery; positiveLabel?: string };

/**
 * Bias reports: computed once from per-group confusion counts or from labelled samples (any
 * iterable, e.g. the predictions module's labelledOutcomes), stored as a snapshot attached to
 * the card's current revision.
 */
@Injectable()
export class BiasService {
  constructor(
    private readonly repository: BiasReportRepository,
    private readonly cards: CardService,
    private readonly audit: GovernanceAuditService,
    private readonly predictions: PredictionsService,
    private readonly computer: BiasComputer,
    @Inject(MODEL_POLICIES) private readonly policies: ModelPolicies,
  ) {}

  async compute(principal: Principal, versionId: string, protectedAttribute: string, input: BiasInput): Promise<{ row: BiasReportRow; tier: RiskTier }> {
    if (!/^\S.{0,127}$/.test(protectedAttribute)) throw AppError.badInput('input.protectedAttribute', 'protectedAttribute must be 1..128 characters');
    const view = await this.cards.view(principal, versionId, 'modelBias.compute');
    if (input.source === 'samples' && Array.isArray(input.samples) && input.samples.length > MAX_INLINE_SAMPLES) {
      throw AppError.badInput('input.samples', `at most ${MAX_INLINE_SAMPLES} samples per request; upload per-group results for more`);
    }
    // Group names are payload values (a path may point anywhere in a payload): a payload read.
    if (input.source === 'prediction_records') {
      await this.predictions.authorizePayloadRead(principal, {
        target: `model:${view.model.name}@${view.version.version}`,
        domain: view.model.domain,
        details: { purpose: 'bias report', protectedAttributePath: input.records.protectedAttributePath, outcomePath: input.records.outcomePath },
        instead: 'a report from prediction records reads their payloads',
      });
    }
    const unlabelled = { count: 0 };
    const counts =
      input.source === 'group_results'
        ? countsFromResults(input.groupResults)
        : await countsFromSampleStream(
            input.source === 'samples' ? input.samples : this.recordedSamples(view.model.name, view.version.version, input.records, unlabelled),
            input.positiveLabel,
          );
    if (counts.size > MAX_GROUPS) throw AppError.badInput('input', `at most ${MAX_GROUPS} groups`);
    if (counts.size === 0) throw AppError.badInput(EMPTY_INPUT_FIELD[input.source], NO_GROUPS[input.source]);
    const gate = this.policies.gates[view.model.risk_tier];
    const report = await this.computer.compute(counts, { minGroupSize: gate.minGroupSize });
    const row = await this.repository.insert({
      model_version_id: view.version.id,
      card_id: view.card.id,
      card_revision: view.card.current_revision,
      source: input.source,
      protected_attribute: protectedAttribute,
      report,
      created_by: principal.id,
    });
    const violations = biasViolations(report, gate);
    await this.audit.record({
      action: 'modelBias.compute',
      decision: 'allow',
      ...actorOf(principal),
      target: `model:${view.model.name}@${view.version.version}`,
      details: {
        modelVersionId: view.version.id,
        reportId: row.id,
        source: input.source,
        ...(input.source === 'prediction_records'
          ? {
              records: { ...input.records, from: input.records.from?.toISOString() ?? null, to: input.records.to?.toISOString() ?? null },
              unlabelled: unlabelled.count,
            }
          : {}),
        protectedAttribute,
        cardRevision: row.card_revision,
        groups: report.groups.length,
        demographicParityRatio: report.demographicParityRatio.value,
        violations,
      },
    });
    return { row, tier: view.model.risk_tier };
  }

  async list(
    principal: Principal,
    versionId: string,
    first: number,
    after?: string | null,
  ): Promise<{ rows: BiasReportRow[]; tier: RiskTier; hasNextPage: boolean; endCursor: string | null }> {
    const view = await this.cards.view(principal, versionId);
    let key: { createdAt: string; id: string } | null = null;
    if (after) {
      const raw = decodeCursor(after);
      const bar = raw.lastIndexOf('|');
      key = { createdAt: raw.slice(0, bar), id: raw.slice(bar + 1) };
      if (bar < 0 || Number.isNaN(Date.parse(key.createdAt)) || !isUuid(key.id)) throw AppError.badInput('after', 'after is not a cursor returned by this API');
    }
    const rows = await this.repository.list(view.version.id, key, first + 1);
    const page = rows.slice(0, first);
    const last = page.at(-1);
    return {
      rows: page,
      tier: view.model.risk_tier,
      hasNextPage: rows.length > first,
      endCursor: last ? encodeCursor(`${new Date(last.created_at).toISOString()}|${last.id}`) : null,
    };
  }

  /**
   * The version's logged predictions that have ground truth, as labelled samples. Records whose
   * predicted or actual outcome is missing or not a scalar at the given path cannot be counted
   * either way; they are skipped and their number is kept in the audit event.
   */
  private async *recordedSamples(model: string, version: string, q: PredictionRecordsQuery, unlabelled: { count: number }): AsyncIterable<BiasSample> {
    const outcomes = this.predictions.labelledOutcomes({
      model,
      version,
      from: q.from ?? null,
      to: q.to ?? null,
      protectedAttribute: q.protectedAttributePath,
      outcome: q.outcomePath,
    });
    try {
      for await (const o of outcomes) {
        if (isOutcome(o.predicted) && isOutcome(o.actual)) yield { group: o.group, predicted: o.predicted, actual: o.actual };
        else unlabelled.count += 1;
      }
    } catch (error) {
      // labelledOutcomes names its own arguments; say where they are in this mutation's input.
      if (error instanceof AppError && error.field) throw AppError.badInput(`input.fromPredictions.${error.field}Path`, error.message);
      throw error;
    }
  }

  latest(versionId: string): Promise<BiasReportRow | null> {
    return this.repository.latest(versionId);
  }

  latestPerAttribute(versionId: string): Promise<BiasReportRow[]> {
    return this.repository.latestPerAttribute(versionId);
  }

  violations(row: BiasReportRow, tier: RiskTier): string[] {
    return biasViolations(row.report, this.policies.gates[tier]);
  }
}

const EMPTY_INPUT_FIELD: Record<BiasInput['source'], string> = {
  group_results: 'input.groupResults',
  samples: 'input.samples',
  prediction_records: 'input.fromPredictions',
};
const NO_GROUPS: Record<BiasInput['source'], string> = {
  group_results: 'no groups: give at least one record',
  samples: 'no groups: give at least one record',
  prediction_records: 'no logged prediction of this version in the period has feedback with a value at outcomePath',
};

function isOutcome(value: unknown): value is Outcome {
  return typeof value === 'boolean' || typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));
}

function countsFromResults(results: GroupResult[]): Map<string, ConfusionCounts> {
  const counts = new Map<string, ConfusionCounts>();
  for (const [i, r] of results.entries()) {
    const field = `input.groupResults.${i}`;
    if (!r.group.trim()) throw AppError.badInput(`${field}.group`, 'group must not be empty');
    if (counts.has(r.group)) throw AppError.badInput(`${field}.group`, `group ${r.group} appears twice`);
    for (const [k, v] of Object.entries({
      truePositives: r.truePositives,
      falsePositives: r.falsePositives,
      trueNegatives: r.trueNegatives,
      falseNegatives: r.falseNegatives,
    })) {
      if (!Number.isInteger(v) || v < 0) throw AppError.badInput(`${field}.${k}`, `${k} must be a non-negative integer`);
    }
    if (r.truePositives + r.falsePositives + r.trueNegatives + r.falseNegatives === 0) throw AppError.badInput(field, `group ${r.group} has no records`);
    counts.set(r.group, { tp: r.truePositives, fp: r.falsePositives, tn: r.trueNegatives, fn: r.falseNegatives });
  }
  return counts;
}
