import { Injectable } from '@nestjs/common';
import type { PersonType } from '../auth/person.type';
import { AppError, requireUuid, requireValidDate } from '../common/app-error';
import { LineageCatalogService, type DatasetFactsRow } from '../lineage/graph/lineage-catalog.service';
import { AccessRepository, type AccessRequestRow, type GrantFilter, type GrantRow } from './access.repository';
import type {
  AccessActionEnum,
  AccessApprovalType,
  AccessChainType,
  AccessDatasetType,
  AccessGrantEndEnum,
  AccessGrantType,
  AccessRequestStatusEnum,
  AccessRequestType,
  AccessReviewStageEnum,
} from './dto/access.type';
import type { DatasetRef } from './requests/access-request.service';

type Cursor = { at: string; id: string } | null;

/** The read side: requests and grants with their people, datasets and approvals, loaded in batches (no query per row). */
@Injectable()
export class AccessViewService {
  constructor(
    private readonly repository: AccessRepository,
    private readonly lineage: LineageCatalogService,
  ) {}

  /** A new request's view from what its decision already holds, without reading it back. */
  decided(r: AccessRequestRow, requester: PersonType, grant: GrantRow | null): AccessRequestType {
    const d = r.facts.dataset;
    return this.toRequest(r, requester, { ...d }, [], grant?.id ?? null);
  }

  /** Sequential queries: inside a mutation they share the transaction's single connection. */
  async requests(rows: AccessRequestRow[]): Promise<AccessRequestType[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const approvals = await this.repository.approvals(ids);
    const grantIds = await this.repository.grantIdsByRequest(ids);
    const people = await this.people([...rows.map((r) => r.requester_id), ...approvals.map((a) => a.approver_id)]);
    const datasets = await this.datasets(rows.map((r) => r.dataset_id));
    return rows.map((r) =>
      this.toRequest(
        r,
        people.get(r.requester_id)!,
        datasets.get(r.dataset_id)!,
        approvals
          .filter((a) => a.request_id === r.id)
          .map((a) => ({
            approver: people.get(a.approver_id)!,
            decision: a.decision,
            authority: a.authority,
            reason: a.reason,
            durationDays: a.duration_days,
            decidedAt: a.decided_at,
          })),
        grantIds.get(r.id) ?? null,
      ),
    );
  }

  private toRequest(
    r: AccessRequestRow,
    requester: PersonType,
    dataset: AccessDatasetType,
    approvals: AccessApprovalType[],
    grantId: string | null,
  ): AccessRequestType {
    return {
      id: r.id,
      requester,
      dataset,
      fields: r.fields,
      action: r.action as AccessActionEnum,
      purpose: r.purpose,
      justification: r.justification,
      durationDays: r.duration_days,
      status: r.status as AccessRequestStatusEnum,
      stage: r.stage as AccessReviewStageEnum | null,
      requiredApprovals: r.required_approvals,
      decidedAutomatically: r.decided_automatically,
      ruleId: r.rule_id,
      ruleFile: r.rule_file,
      reason: r.reason,
      facts: r.facts as unknown as Record<string, unknown>,
      approvals,
      grantId,
      createdAt: r.created_at,
      escalatedAt: r.escalated_at,
      decidedAt: r.decided_at,
    };
  }

  /** `known`: request views already built (a decision's own), so they are not loaded again. */
  async grants(rows: GrantRow[], known: AccessRequestType[] = []): Promise<AccessGrantType[]> {
    if (rows.length === 0) return [];
    const byId = new Map(known.map((r) => [r.id, r]));
    const missing = rows.filter((g) => !byId.has(g.request_id)).map((g) => g.request_id);
    if (missing.length > 0) for (const r of await this.requests(await this.repository.findRequests(missing))) byId.set(r.id, r);
    const enders = rows.flatMap((g) => (g.ended_by ? [g.ended_by] : []));
    const people = enders.length > 0 ? await this.people(enders) : new Map<string, PersonType>();
    const now = Date.now();
    return rows.map((g) => {
      const request = byId.get(g.request_id)!;
      const approvers = request.approvals.filter((a) => a.decision === 'approve').map((a) => a.approver.email ?? a.approver.id);
      return {
        id: g.id,
        // The grant's holder and dataset are its request's.
        person: request.requester,
        dataset: request.dataset,
        action: g.action as AccessActionEnum,
        fields: g.fields,
        grantedAt: g.granted_at,
        expiresAt: g.expires_at,
        endedAt: g.ended_at,
        endReason: g.end_reason as AccessGrantEndEnum | null,
        endedBy: g.ended_by ? people.get(g.ended_by)! : null,
        endNote: g.end_note,
        active: g.ended_at === null && g.expires_at.getTime() > now,
        grantedBy: request.decidedAutomatically ? `rule:${request.ruleId}` : `approvers:${approvers.join(',')}`,
        request,
      };
    });
  }

  listGrants(filter: GrantFilter, after: Cursor, limit: number): Promise<GrantRow[]> {
    return this.repository.listGrants(filter, after, limit);
  }

  async principalId(ref: string, field: string): Promise<string> {
    const id = await this.repository.findPrincipalId(ref.trim());
    if (!id) throw AppError.badInput(field, 'no such person (a principal id or the e-mail of someone who has signed in)');
    return id;
  }

  /** The CISO's chain for one person, in one round of batched queries. */
  async chain(ref: string): Promise<AccessChainType> {
    const id = await this.principalId(ref, 'principal');
    const rows = await this.repository.listGrants({ principalId: id }, null, 1000);
    const people = await this.people([id]);
    return { person: people.get(id)!, grants: await this.grants(rows) };
  }

  /** Who could access the dataset at `at`: grants valid then, whether they later expired or were revoked. */
  async accessAt(ref: DatasetRef, at: Date): Promise<AccessGrantType[]> {
    requireValidDate('at', at);
    let rows: DatasetFactsRow[];
    if (ref.datasetId) rows = await this.lineage.datasetFacts({ ids: [requireUuid('datasetId', ref.datasetId)] });
    else if (ref.namespace && ref.name) rows = await this.lineage.datasetFacts({ namespace: ref.namespace, name: ref.name });
    else throw AppError.badInput('datasetId', 'give datasetId, or namespace and name');
    if (!rows[0]) throw AppError.notFound('dataset');
    return this.grants(await this.repository.grantsValidAt(rows[0].id, at));
  }

  private async people(ids: string[]): Promise<Map<string, PersonType>> {
    const rows = await this.repository.principals([...new Set(ids)]);
    return new Map(rows.map((p) => [p.id, { id: p.id, email: p.email, name: p.name }]));
  }

  private async datasets(ids: string[]): Promise<Map<string, AccessDatasetType>> {
    const rows = await this.lineage.datasetFacts({ ids: [...new Set(ids)] });
    return new Map(
      rows.map((d) => [d.id, { id: d.id, namespace: d.namespace, name: d.name, domain: d.domain, owner: d.owner, sensitivity: d.sensitivity, tags: d.tags }]),
    );
  }
}
