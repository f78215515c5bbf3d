import { Inject, Injectable } from '@nestjs/common';
import { CHARTER_CONFIG, type CharterConfig } from '../../config/config';
import { MODEL_POLICIES } from '../../model-cards/model-policies.provider';
import type { ModelPolicies } from '../../model-cards/model-policies';
import { PredictionChainService } from '../../predictions/chain/prediction-chain.service';
import {
  available,
  availableCapped,
  unavailable,
  type Actor,
  type Approval,
  type BiasReport,
  type ExceptionRecord,
  type LineageGraph,
  type ModelAuditPack,
  type ModelCardRevision,
  type PredictionSummary,
  type ReportPeriod,
  type StageTransition,
} from '../pack/pack.types';
import { DatasetEvidenceGatherer, GRANT_ROWS_LIMIT, grantOf } from './dataset-evidence';
import { EvidenceRepository, type EvidenceDatasetRow } from './evidence.repository';
import { ModelEvidenceRepository, type CardReviewRow, type CardRevisionRow, type ModelVersionEvidenceRow } from './model-evidence.repository';

export interface ModelPackRequest {
  reportId: string;
  version: ModelVersionEvidenceRow;
  period: ReportPeriod;
  generatedAt: Date;
  generatedBy: Actor;
}

export const SAMPLE_SIZE = 20;
/** Card fields shown; a card is a document of its own, the pack shows its substance and its hash. */
const CARD_FIELDS_LIMIT = 60;
const CARD_VALUE_CHARS = 600;
const ROLES = ['risk_officer', 'compliance', 'ciso', 'admin', 'data_owner', 'model_owner', 'data_scientist'];
const FOUR_FIFTHS = 0.8;

/**
 * Fills a model audit pack for a model version and a period from the model registry (card in
 * force, reviews and signatures, stage history, exceptions, bias reports), the lineage catalog
 * (upstream of the training datasets), PII scans, access grants, and the prediction records
 * (aggregated in SQL; the chain verified over the period by the predictions module).
 */
@Injectable()
export class ModelEvidenceGatherer {
  constructor(
    private readonly repository: ModelEvidenceRepository,
    private readonly evidence: EvidenceRepository,
    private readonly datasets: DatasetEvidenceGatherer,
    private readonly chain: PredictionChainService,
    @Inject(MODEL_POLICIES) private readonly policies: ModelPolicies,
    @Inject(CHARTER_CONFIG) private readonly config: CharterConfig,
  ) {}

  async gather(request: ModelPackRequest, progress: (percent: number) => Promise<void>): Promise<ModelAuditPack> {
    const v = request.version;
    const from = new Date(request.period.from);
    const to = new Date(request.period.to);
    const modelCard = v.card_id ? await this.cardInForce(v, v.card_id, to) : null;
    const stageHistory = (await this.repository.stageHistory(v.version_id, to)).map((h): StageTransition => ({
      from: h.from_stage,
      to: h.to_stage,
      at: h.changed_at.toISOString(),
      by: { id: h.changed_by, label: h.changed_by_label },
      reason: [h.reason, h.exception_name ? `exception ${h.exception_name}` : null].filter(Boolean).join(' · ') || null,
    }));
    const exceptions = (await this.repository.exceptions(v.version_id, `model:${v.name}@${v.version}`, from, to)).map((e): ExceptionRecord => ({
      at: e.granted_at.toISOString(),
      kind: 'gate_override',
      by: { id: e.granted_by, label: e.granted_by_label },
      description: `${e.name}: waives ${e.waives.join(', ')} — ${e.reason}`,
      expiresAt: e.expires_at.toISOString(),
      auditSeq: e.audit_seq === null ? null : Number(e.audit_seq),
    }));
    await progress(15);

    const links = await this.repository.datasetIds(v.version_id);
    const training = (await this.evidence.datasetNodes(links.map((l) => l.dataset_id))).map((n) => n.id);
    const datasetRows = (await Promise.all(training.map((id) => this.datasetRow(id)))).filter((d): d is EvidenceDatasetRow => d !== undefined);
    const trainingDatasets = await Promise.all(datasetRows.map((d) => this.datasets.datasetEvidence(d, from, to)));
    const grants = (
      await this.evidence.grants(
        datasetRows.map((d) => d.id),
        from,
        to,
        GRANT_ROWS_LIMIT + 1,
      )
    ).map(grantOf);
    await progress(30);
    const lineage = await this.lineage(v, datasetRows, links, to);
    await progress(45);
    const predictions = await this.predictions(v, from, to, request.reportId);
    await progress(70);
    const bias = (await this.repository.biasReports(v.version_id, from, to)).map((b): BiasReport => {
      const compared = b.report.groups.filter((g) => !g.belowMinimum && g.selectionRate.value !== null);
      const reference = compared.reduce<(typeof compared)[number] | undefined>(
        (best, g) => (!best || g.selectionRate.value! > best.selectionRate.value! ? g : best),
        undefined,
      );
      const refRate = reference?.selectionRate.value ?? 0;
      return {
        reportId: b.id,
        evaluatedAt: b.created_at.toISOString(),
        metric: `selection rate (demographic parity, from ${b.source.replace('_', ' ')})`,
        attributes: [
          {
            attribute: b.protected_attribute,
            referenceGroup: reference?.group ?? '—',
            groups: compared.map((g) => {
              const ratio = refRate > 0 ? g.selectionRate.value! / refRate : 1;
              return { group: g.group, count: g.count, rate: g.selectionRate.value!, ratio: round(ratio), fourFifthsFlag: ratio < FOUR_FIFTHS };
            }),
          },
        ],
      };
    });
    await progress(80);
    return {
      kind: 'model',
      format: 'charter-model-audit-pack/1',
      cover: {
        title: `model:${v.name}:${v.version}`,
        domain: v.domain,
        period: request.period,
        generatedAt: request.generatedAt.toISOString(),
        generatedBy: request.generatedBy,
        reportId: request.reportId,
        modelName: v.name,
        modelVersion: v.version,
        riskTier: v.risk_tier,
      },
      modelCard: modelCard ? available(modelCard) : unavailable('this model version has no model card'),
      stageHistory: available(stageHistory),
      lineage: available(lineage),
      trainingDatasets: available(trainingDatasets),
      accessGrants: availableCapped(grants, GRANT_ROWS_LIMIT),
      predictions: available(predictions),
      bias: available(bias),
      exceptions: available(exceptions),
    };
  }

  private async datasetRow(id: string): Promise<EvidenceDatasetRow | undefined> {
    const [node] = await this.evidence.datasetNodes([id]);
    return node ? this.evidence.dataset(node.namespace, node.name) : undefined;
  }

  /**
   * The revision in force at the end of the period: the latest that had reached the approvals its
   * risk tier requires by then. A card never approved shows its latest revision with its status.
   */
  private async cardInForce(v: ModelVersionEvidenceRow, cardId: string, before: Date): Promise<ModelCardRevision | null> {
    const revisions = await this.repository.cardRevisions(cardId, before);
    const reviews = await this.repository.cardReviews(cardId, before);
    if (revisions.length === 0) return null;
    const required = this.policies.approvers[v.risk_tier];
    let inForce: { revision: CardRevisionRow; since: Date } | null = null;
    for (const revision of revisions) {
      const approvals = reviews.filter((r) => r.revision === revision.revision && r.action === 'approve');
      const decisive = approvals[required - 1];
      if (decisive) inForce = { revision, since: decisive.created_at };
    }
    const shown = inForce?.revision ?? revisions.at(-1)!;
    const latest = revisions.at(-1)!;
    const own = reviews.filter((r) => r.revision === shown.revision);
    const lastTransition = own.filter((r) => r.action !== 'comment').at(-1);
    const status: ModelCardRevision['status'] = inForce
      ? shown.revision === latest.revision
        ? 'approved'
        : 'superseded'
      : lastTransition?.action === 'submit' || lastTransition?.action === 'approve'
        ? 'in_review'
        : 'draft';
    return {
      revision: shown.revision,
      status,
      effectiveFrom: inForce ? inForce.since.toISOString() : null,
      contentSha256: shown.content_sha256,
      fields: cardFields(shown.content),
      approvals: own.filter((r) => r.action === 'approve' || r.action === 'request_changes').map(approvalOf),
    };
  }

  /** Upstream of the training and evaluation datasets, with the model version as the sink. */
  private async lineage(
    v: ModelVersionEvidenceRow,
    datasets: EvidenceDatasetRow[],
    links: { dataset_id: string; role: string }[],
    before: Date,
  ): Promise<LineageGraph> {
    const modelNode = { id: `model:${v.name}:${v.version}`, kind: 'model' as const, namespace: v.name, name: v.version, root: true };
    if (datasets.length === 0) return { nodes: [modelNode], edges: [], truncated: false };
    const { graph, datasetUuids } = await this.datasets.walk(datasets, before, 'upstream', false);
    const linked = new Set(links.map((l) => l.dataset_id));
    const edges = [...graph.edges];
    for (const [node, uuid] of datasetUuids) if (linked.has(uuid)) edges.push({ from: node, to: modelNode.id });
    return { nodes: [...graph.nodes, modelNode], edges, truncated: graph.truncated };
  }

  private async predictions(v: ModelVersionEvidenceRow, from: Date, to: Date, seed: string): Promise<PredictionSummary> {
    const unmatchedBefore = new Date(Date.now() - this.config.predictions.pairingTimeoutSeconds * 1000);
    const [totals, days, outputs, sample] = await Promise.all([
      this.repository.predictionTotals(v.name, v.version, from, to, unmatchedBefore),
      this.repository.predictionDays(v.name, v.version, from, to, unmatchedBefore),
      this.repository.outputDistribution(v.name, v.version, from, to),
      this.repository.sample(v.name, v.version, from, to, seed, SAMPLE_SIZE),
    ]);
    const chain = await this.chain.verify(v.name, from, to);
    const total = Number(totals.total);
    return {
      totalRecords: total,
      errorRate: total === 0 ? 0 : round(Number(totals.errors) / total),
      volumeByDay: days.map((d) => ({ day: d.day, count: Number(d.count), errors: Number(d.errors) })),
      latency: { p50Ms: totals.p50 ?? 0, p90Ms: totals.p90 ?? 0, p99Ms: totals.p99 ?? 0, maxMs: totals.max ?? 0 },
      outputDistribution: outputs.map((o) => ({ label: o.label, count: Number(o.count) })),
      chain: {
        valid: chain.valid,
        checkedRecords: chain.checkedCount,
        firstBrokenRecord: chain.firstBrokenSeq === null ? null : `seq ${chain.firstBrokenSeq}`,
        problem: chain.problem,
        verifiedAt: new Date().toISOString(),
      },
      sample: sample.map((r) => ({
        recordId: r.id,
        at: r.first_at.toISOString(),
        latencyMs: r.latency_ms ?? 0,
        status: r.complete ? 'ok' : r.first_at < unmatchedBefore ? 'error' : 'pending',
        requestSha256: r.request_sha256 ?? '',
        requestBytes: r.request_bytes ?? 0,
        responseSha256: r.response_sha256 ?? '',
        responseBytes: r.response_bytes ?? 0,
        output: r.output,
        chainHash: r.chain_hash ?? '',
      })),
      sampleSeed: seed,
    };
  }
}

function approvalOf(r: CardReviewRow): Approval {
  return {
    approver: { id: r.actor, label: r.actor_label },
    role: ROLES.find((role) => r.actor_groups.includes(role)) ?? 'reviewer',
    decision: r.action === 'approve' ? 'approved' : 'changes_requested',
    decidedAt: r.created_at.toISOString(),
    comment: r.comment,
    signature: r.signature ? { algorithm: 'Ed25519', value: r.signature, keyId: r.key_id } : null,
  };
}

/** A Model Card Toolkit document as label/value lines, in document order: `model details › overview`. */
export function cardFields(content: unknown): { label: string; value: string }[] {
  const out: { label: string; value: string }[] = [];
  const visit = (value: unknown, path: string[]): void => {
    if (out.length >= CARD_FIELDS_LIMIT) return;
    if (value === null || value === undefined || value === '') return;
    if (Array.isArray(value)) {
      if (value.every((x) => typeof x !== 'object' || x === null)) return push(path, value.map(String).join(', '));
      // "data 2 › name", not "data › 2 › name": the item number belongs to the list's name.
      value.forEach((x, i) => visit(x, [...path.slice(0, -1), `${path.at(-1) ?? 'item'} ${i + 1}`]));
      return;
    }
    if (typeof value === 'object') {
      for (const [k, x] of Object.entries(value as Record<string, unknown>)) visit(x, [...path, k.replace(/_/g, ' ')]);
      return;
    }
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') push(path, String(value));
  };
  const push = (path: string[], value: string) => {
    if (value.length === 0) return;
    // The last two levels name a field well enough ("model details › overview", "data 2 › name") and fit the label column.
    out.push({ label: path.slice(-2).join(' › '), value: value.length > CARD_VALUE_CHARS ? `${value.slice(0, CARD_VALUE_CHARS)}…` : value });
  };
  visit(content, []);
  return out;
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
