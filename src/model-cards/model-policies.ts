import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import { parse } from 'yaml';

export const RISK_TIERS = ['minimal', 'limited', 'high', 'unacceptable'] as const;
export type RiskTier = (typeof RISK_TIERS)[number];

export interface BiasThresholds {
  maxDemographicParityDifference: number;
  minDemographicParityRatio: number;
  maxEqualizedOddsDifference: number;
  maxEqualOpportunityDifference: number;
}

export interface PromotionGate {
  productionAllowed: boolean;
  cardApprovalRequired: boolean;
  biasReportRequired: boolean;
  maxReportAgeDays: number;
  minGroupSize: number;
  thresholds: BiasThresholds;
}

export interface ModelPolicies {
  approvers: Record<RiskTier, number>;
  gates: Record<RiskTier, PromotionGate>;
}

export const REVIEW_FILE = 'model-review.yaml';
export const GATES_FILE = 'promotion-gates.yaml';

const perTier = (item: object) => ({
  type: 'object',
  additionalProperties: false,
  required: [...RISK_TIERS],
  properties: Object.fromEntries(RISK_TIERS.map((t) => [t, item])),
});
const ratio = { type: 'number', minimum: 0, maximum: 1 };

const reviewSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['approvers'],
  properties: { approvers: perTier({ type: 'integer', minimum: 1, maximum: 10 }) },
};

const gatesSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['tiers'],
  properties: {
    tiers: perTier({
      type: 'object',
      additionalProperties: false,
      required: ['productionAllowed', 'cardApprovalRequired', 'biasReportRequired', 'maxReportAgeDays', 'minGroupSize', 'thresholds'],
      properties: {
        productionAllowed: { type: 'boolean' },
        cardApprovalRequired: { type: 'boolean' },
        biasReportRequired: { type: 'boolean' },
        maxReportAgeDays: { type: 'integer', minimum: 1 },
        minGroupSize: { type: 'integer', minimum: 1 },
        thresholds: {
          type: 'object',
          additionalProperties: false,
          required: ['maxDemographicParityDifference', 'minDemographicParityRatio', 'maxEqualizedOddsDifference', 'maxEqualOpportunityDifference'],
          properties: {
            maxDemographicParityDifference: ratio,
            minDemographicParityRatio: ratio,
            maxEqualizedOddsDifference: ratio,
            maxEqualOpportunityDifference: ratio,
          },
        },
      },
    }),
  },
};

const ajv = new Ajv({ allErrors: false, strict: true });
const validateReview = ajv.compile<{ approvers: Record<RiskTier, number> }>(reviewSchema);
const validateGates = ajv.compile<{ tiers: Record<RiskTier, PromotionGate> }>(gatesSchema);

/** Parses one policy document; errors name the file, the field (as a dotted path) and the rule. */
function parseDocument<T>(text: string, file: string, validate: ValidateFunction<T>): T {
  let document: unknown;
  try {
    document = parse(text);
  } catch (error) {
    throw new Error(`${file}: not valid YAML: ${(error as Error).message}`);
  }
  if (validate(document)) return document;
  const e = validate.errors![0]!;
  const params = e.params as { missingProperty?: string; additionalProperty?: string };
  const parts = e.instancePath.split('/').filter(Boolean);
  if (params.missingProperty) parts.push(params.missingProperty);
  if (params.additionalProperty) parts.push(params.additionalProperty);
  const where = parts.length ? parts.join('.') : '(top level)';
  const message = params.additionalProperty ? 'is not a known setting' : (e.message ?? 'is invalid');
  throw new Error(`${file}: ${where}: ${message} (rule ${e.keyword})`);
}

export function parseModelPolicies(reviewText: string, gatesText: string, dir = 'policies'): ModelPolicies {
  const review = parseDocument(reviewText, path.join(dir, REVIEW_FILE), validateReview);
  const gates = parseDocument(gatesText, path.join(dir, GATES_FILE), validateGates);
  return { approvers: review.approvers, gates: gates.tiers };
}

/** Read and validated at boot: Charter refuses to start on a bad file, naming it and the field. */
export function loadModelPolicies(policiesDir: string): ModelPolicies {
  const read = (name: string) => {
    const file = path.join(policiesDir, name);
    try {
      return readFileSync(file, 'utf8');
    } catch (error) {
      throw new Error(`${file}: cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  };
  return parseModelPolicies(read(REVIEW_FILE), read(GATES_FILE), policiesDir);
}
