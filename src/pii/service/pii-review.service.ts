import { Injectable } from '@nestjs/common';
import type { Principal } from '../../auth/principal';
import { AuthorizationService } from '../../authz/authorization.service';
import { AppError } from '../../common/app-error';
import { GovernanceAuditService } from '../../governance-audit/governance-audit.service';
import { principalLabel } from '../../governance-audit/principal-label';
import { formatNodeId, parseNodeId } from '../../lineage/graph/node-id';
import { placeholderId } from '../../lineage/graph/lineage-access';
import { scanText, type TextSpan } from '../scan-text';
import { PERSONAL_TYPES } from '../types';
import { PiiScanRepository, type DatasetRow, type PrecisionRow, type ReachRow, type Verdict, type VerdictRow } from './pii-scan.repository';
import { PiiScanService } from './pii-scan.service';
import { RegistryService } from '../../model-cards/registry/registry.service';

export const MAX_TEXT_LENGTH = 100_000;
// Column lineage rarely runs deeper than a dozen hops; the bound keeps a cyclic or huge estate cheap.
export const REACH_MAX_DEPTH = 20;
export const REACH_MAX_ROWS = 1000;

export interface ReachView {
  /** For a model version: the training or evaluation dataset (node id) the field belongs to. */
  dataset?: string;
  field: string;
  sourceNodeId: string;
  restricted: boolean;
  tags: string[];
  distance: number;
}

/** Reviewer verdicts, precision figures, free-text scanning and PII reach along column lineage. */
@Injectable()
export class PiiReviewService {
  constructor(
    private readonly repository: PiiScanRepository,
    private readonly scans: PiiScanService,
    private readonly audit: GovernanceAuditService,
    private readonly authorization: AuthorizationService,
    private readonly registry: RegistryService,
  ) {}

  /** Runs inside the mutation's transaction; applied to tags at the next scan of the dataset. */
  async setVerdict(
    principal: Principal,
    input: { namespace: string; name: string; column: string; entityType: string; verdict: Verdict; note?: string | null },
  ): Promise<{ row: VerdictRow; dataset: DatasetRow }> {
    if (!(PERSONAL_TYPES as readonly string[]).includes(input.entityType)) {
      throw AppError.badInput('input.entityType', `entityType must be a personal-data type: ${PERSONAL_TYPES.join(', ')}`);
    }
    if (input.column.trim() === '' || input.column.length > 512) throw AppError.badInput('input.column', 'column must be 1..512 characters');
    if ((input.note?.length ?? 0) > 2000) throw AppError.badInput('input.note', 'note must be at most 2000 characters');
    // pii.review is checked in the dataset's domain: the data owner of that domain decides.
    const found = await this.scans.datasetFor(principal, 'pii.review', input.namespace, input.name);
    const dataset = await this.repository.lockDataset(found.id);
    const { row, before } = await this.repository.upsertVerdict({
      dataset_id: dataset.id,
      column_name: input.column,
      entity_type: input.entityType,
      verdict: input.verdict,
      decided_by: principal.id,
      note: input.note ?? null,
    });
    await this.audit.record({
      action: 'pii.verdict.set',
      decision: 'allow',
      actorId: principal.id,
      actorLabel: principalLabel(principal),
      target: formatNodeId({ type: 'DATASET_FIELD', namespace: dataset.namespace, name: dataset.name, field: input.column }),
      details: { entityType: input.entityType, before, after: input.verdict, note: input.note ?? null, domain: dataset.domain },
    });
    return { row, dataset };
  }

  async verdicts(principal: Principal, namespace: string, name: string): Promise<{ rows: VerdictRow[]; dataset: DatasetRow }> {
    const dataset = await this.scans.datasetFor(principal, 'pii.read', namespace, name);
    return { rows: await this.repository.verdicts(dataset.id), dataset };
  }

  /** Across all verdicts: counts per type are not personal data, so no domain filter applies. */
  precision(): Promise<PrecisionRow[]> {
    return this.repository.precision();
  }

  text(text: string): TextSpan[] {
    if (text.length > MAX_TEXT_LENGTH) throw AppError.badInput('text', `text must be at most ${MAX_TEXT_LENGTH} characters`);
    return scanText(text);
  }

  /**
   * "Does personal data reach this model?": the reach of every dataset the version was trained or
   * evaluated on (the model's domain needs model.read; sources keep the usual domain placeholders).
   */
  async reachForModelVersion(principal: Principal, versionId: string): Promise<ReachView[]> {
    const { version, model } = await this.registry.version(principal, versionId);
    const [details] = await this.registry.details([version], [model]);
    const out: ReachView[] = [];
    for (const d of details?.datasets ?? []) {
      const dataset = formatNodeId({ type: 'DATASET', namespace: d.namespace, name: d.name });
      const rows = await this.repository.reach(d.dataset_id, REACH_MAX_DEPTH, REACH_MAX_ROWS);
      out.push(...rows.map((r) => ({ dataset, ...this.reachView(principal, r) })));
    }
    return out;
  }

  async reach(principal: Principal, nodeId: string): Promise<ReachView[]> {
    const id = parseNodeId(nodeId);
    if (id.type !== 'DATASET') throw AppError.badInput('nodeId', 'piiReach takes a dataset:<namespace>:<name> node id (or modelVersionId)');
    const dataset = await this.scans.datasetFor(principal, 'pii.read', id.namespace, id.name);
    const rows = await this.repository.reach(dataset.id, REACH_MAX_DEPTH, REACH_MAX_ROWS);
    return rows.map((r) => this.reachView(principal, r));
  }

  // Sources in domains the caller may not read keep their tags (the point of the answer) but not their names.
  private reachView(principal: Principal, r: ReachRow): ReachView {
    const readable = this.authorization.check(principal, 'pii.read', r.domain).allowed;
    const nodeId = formatNodeId({ type: 'DATASET_FIELD', namespace: r.namespace, name: r.name, field: r.field });
    return {
      field: r.target_field,
      sourceNodeId: readable ? nodeId : placeholderId(`f:${r.dataset_id}:${r.field}`, 'DATASET_FIELD'),
      restricted: !readable,
      tags: r.tags.filter((t) => t.startsWith('PII:')),
      distance: r.distance,
    };
  }
}
