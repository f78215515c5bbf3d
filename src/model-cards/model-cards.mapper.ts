import { formatNodeId } from '../lineage/graph/node-id';
import type { BiasReportRow } from './bias/bias-report.repository';
import type { GroupMetrics, RateEstimate } from './bias/bias-metrics';
import type { CardView } from './cards/card.service';
import type { ReviewRow, RevisionRow } from './cards/card.repository';
import type { FieldChange } from './cards/card-content';
import type { BiasReportType, RateType } from './dto/bias-report.type';
import type { CardFieldChangeType, CardRevisionType, CardReviewType, GateConditionEnum, ModelCardType, PromotionExceptionType } from './dto/model-card.type';
import type { CardStatusEnum, DatasetRoleEnum, ModelStageEnum, ModelType, ModelVersionType, RiskTierEnum } from './dto/model.type';
import type { ExceptionRow } from './promotion/exception.repository';
import type { ModelRow } from './registry/registry.repository';
import type { VersionDetails } from './registry/registry.service';

// GraphQL enums carry the stored lowercase values, so rows map to them without translation.

export function toModel(model: ModelRow, versions: VersionDetails[]): ModelType {
  return {
    id: model.id,
    name: model.name,
    domain: model.domain,
    owner: model.owner,
    riskTier: model.risk_tier as RiskTierEnum,
    description: model.description,
    versions: versions.map(toVersion),
    createdAt: model.created_at,
  };
}

export function toVersion(d: VersionDetails): ModelVersionType {
  const v = d.version;
  return {
    id: v.id,
    modelName: d.modelName,
    version: v.version,
    artifactUri: v.artifact_uri,
    artifactDigest: v.artifact_digest,
    framework: v.framework,
    trainingRunId: v.training_run_id,
    stage: v.stage as ModelStageEnum,
    cardStatus: d.cardStatus as CardStatusEnum,
    cardRevision: d.cardRevision,
    datasets: d.datasets.map((x) => ({
      datasetId: x.dataset_id,
      nodeId: formatNodeId({ type: 'DATASET', namespace: x.namespace, name: x.name }),
      role: x.role as DatasetRoleEnum,
    })),
    stageHistory: d.history.map((h) => ({
      from: h.from_stage as ModelStageEnum | null,
      to: h.to_stage as ModelStageEnum,
      changedBy: h.changed_by,
      changedAt: h.changed_at,
      reason: h.reason,
      exceptionId: h.exception_id,
    })),
    registeredBy: v.registered_by,
    createdAt: v.created_at,
  };
}

export function toException(e: ExceptionRow, now = new Date()): PromotionExceptionType {
  return {
    id: e.id,
    name: e.name,
    reason: e.reason,
    waives: e.waives as GateConditionEnum[],
    grantedBy: e.granted_by,
    grantedAt: e.granted_at,
    expiresAt: e.expires_at,
    active: new Date(e.expires_at) > now,
  };
}

export function toRevision(r: Omit<RevisionRow, 'content'> & { content?: unknown }): CardRevisionType {
  return { revision: r.revision, contentSha256: r.content_sha256, author: r.author, source: r.source, createdAt: r.created_at, content: r.content ?? null };
}

export function toReview(r: ReviewRow, signatureValid: boolean | null): CardReviewType {
  return {
    action: r.action,
    revision: r.revision,
    actor: r.actor,
    comment: r.comment,
    signature: r.signature,
    keyId: r.key_id,
    signedAt: r.signed_at,
    signatureValid,
    createdAt: r.created_at,
  };
}

export function toCard(view: CardView, revisions: Omit<RevisionRow, 'content'>[], reviews: CardReviewType[], exceptions: ExceptionRow[]): ModelCardType {
  return {
    id: view.card.id,
    modelVersionId: view.version.id,
    modelName: view.model.name,
    version: view.version.version,
    status: view.card.status as CardStatusEnum,
    currentRevision: view.card.current_revision,
    contentSha256: view.current.content_sha256,
    content: view.current.content,
    approvals: view.approvals.length,
    requiredApprovals: view.requiredApprovals,
    revisions: revisions.map(toRevision),
    reviews,
    exceptions: exceptions.map((e) => toException(e)),
  };
}

export function toChange(c: FieldChange): CardFieldChangeType {
  return { path: c.path, op: c.op, before: c.before ?? null, after: c.after ?? null };
}

const rate = (r: RateEstimate): RateType => ({ value: r.value, interval: r.interval, denominator: r.denominator });

function toGroup(g: GroupMetrics) {
  return {
    group: g.group,
    count: g.count,
    truePositives: g.tp,
    falsePositives: g.fp,
    trueNegatives: g.tn,
    falseNegatives: g.fn,
    selectionRate: rate(g.selectionRate),
    truePositiveRate: rate(g.truePositiveRate),
    falsePositiveRate: rate(g.falsePositiveRate),
    accuracy: rate(g.accuracy),
    belowMinimum: g.belowMinimum,
  };
}

export function toBiasReport(row: BiasReportRow, violations: string[], exceptions: ExceptionRow[]): BiasReportType {
  const m = row.report;
  return {
    id: row.id,
    modelVersionId: row.model_version_id,
    cardRevision: row.card_revision,
    source: row.source,
    protectedAttribute: row.protected_attribute,
    confidenceLevel: m.confidenceLevel,
    minGroupSize: m.minGroupSize,
    bootstrapSamples: m.bootstrapSamples,
    groups: m.groups.map(toGroup),
    comparedGroups: m.comparedGroups,
    demographicParityDifference: m.demographicParityDifference,
    demographicParityRatio: m.demographicParityRatio,
    fourFifthsRuleViolated: m.fourFifthsRuleViolated,
    equalizedOddsDifference: m.equalizedOddsDifference,
    equalOpportunityDifference: m.equalOpportunityDifference,
    withinThresholds: violations.length === 0,
    violations,
    exceptions: exceptions.map((e) => toException(e)),
    createdBy: row.created_by,
    createdAt: row.created_at,
  };
}
