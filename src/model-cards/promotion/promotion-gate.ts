import type { BiasMetrics } from '../bias/bias-metrics';
import type { PromotionGate, RiskTier } from '../model-policies';

export const STAGES = ['development', 'staging', 'production', 'retired'] as const;
export type Stage = (typeof STAGES)[number];

/**
 * The stage machine: forward one step, back from staging to development, and retirement from
 * anywhere but retired. Production is reached only through staging.
 */
export const STAGE_MOVES: Record<Stage, readonly Stage[]> = {
  development: ['staging', 'retired'],
  staging: ['production', 'development', 'retired'],
  production: ['retired'],
  retired: [],
};

/** Null when allowed; otherwise the rule that forbids the move. */
export function stageMoveProblem(from: Stage, to: Stage): string | null {
  if (STAGE_MOVES[from].includes(to)) return null;
  const allowed = STAGE_MOVES[from];
  return `stage rule: ${from} → ${to} is not allowed (${allowed.length ? `from ${from} a version moves to ${allowed.join(' or ')}` : `${from} is final`})`;
}

/** Conditions an exception may waive. `production_allowed` (the tier's prohibition) cannot be waived. */
export const WAIVABLE = ['card_approval', 'bias_report'] as const;
export type Waivable = (typeof WAIVABLE)[number];
export type GateCondition = Waivable | 'production_allowed';

export interface GateFailure {
  condition: GateCondition;
  message: string;
}

export interface GateFacts {
  tier: RiskTier;
  cardStatus: string;
  cardRevision: number;
  approvals: number;
  requiredApprovals: number;
  /**
   * The newest bias report for each protected attribute ever reported on the version: a failing
   * report on one attribute is not cured by a newer, passing report on another.
   */
  latestReports: { id: string; protectedAttribute: string; metrics: BiasMetrics; createdAt: Date }[];
  now: Date;
}

/** Every failing condition for a move to production, each saying exactly what is missing. */
export function productionGateFailures(gate: PromotionGate, facts: GateFacts): GateFailure[] {
  const failures: GateFailure[] = [];
  if (!gate.productionAllowed) {
    failures.push({
      condition: 'production_allowed',
      message: `risk tier ${facts.tier} may never reach production (policies/promotion-gates.yaml tiers.${facts.tier}.productionAllowed)`,
    });
  }
  if (gate.cardApprovalRequired && facts.cardStatus !== 'approved') {
    failures.push({
      condition: 'card_approval',
      message: `the model card's current revision ${facts.cardRevision} is ${facts.cardStatus}, not approved (${facts.approvals} of ${facts.requiredApprovals} approvals)`,
    });
  }
  if (gate.biasReportRequired) {
    if (!facts.latestReports.length) failures.push({ condition: 'bias_report', message: 'no bias report exists for this version' });
    for (const report of facts.latestReports) {
      const ageDays = (facts.now.getTime() - report.createdAt.getTime()) / 86_400_000;
      const problems = biasViolations(report.metrics, gate);
      if (ageDays > gate.maxReportAgeDays) problems.unshift(`it is ${Math.floor(ageDays)} days old, more than ${gate.maxReportAgeDays}`);
      if (problems.length)
        failures.push({
          condition: 'bias_report',
          message: `bias report ${report.id} (${report.protectedAttribute}, the newest on that attribute) is not within the ${facts.tier} thresholds: ${problems.join('; ')}`,
        });
    }
  }
  return failures;
}

const fmt = (v: number) => String(Math.round(v * 10_000) / 10_000);

/** Threshold checks on point estimates; a figure that could not be computed fails its check. */
export function biasViolations(m: BiasMetrics, gate: Pick<PromotionGate, 'minGroupSize' | 'thresholds'>): string[] {
  const out: string[] = [];
  const t = gate.thresholds;
  if (m.minGroupSize < gate.minGroupSize) out.push(`it was computed with a minimum group size of ${m.minGroupSize}, the policy requires ${gate.minGroupSize}`);
  const small = m.groups.filter((g) => g.count < gate.minGroupSize).map((g) => g.group);
  const uncomputable = (name: string) =>
    `${name} cannot be computed: fewer than two groups have at least ${gate.minGroupSize} records${small.length ? ` (too small: ${small.join(', ')})` : ''}`;
  const max = (name: string, value: number | null, limit: number) => {
    if (value === null) out.push(uncomputable(name));
    else if (value > limit) out.push(`${name} ${fmt(value)} exceeds ${limit}`);
  };
  max('demographic parity difference', m.demographicParityDifference.value, t.maxDemographicParityDifference);
  const ratio = m.demographicParityRatio.value;
  if (ratio === null) out.push(uncomputable('demographic parity ratio'));
  else if (ratio < t.minDemographicParityRatio) out.push(`demographic parity ratio ${fmt(ratio)} is below ${t.minDemographicParityRatio}`);
  max('equalized odds difference', m.equalizedOddsDifference.value, t.maxEqualizedOddsDifference);
  max('equal opportunity difference', m.equalOpportunityDifference.value, t.maxEqualOpportunityDifference);
  return out;
}
