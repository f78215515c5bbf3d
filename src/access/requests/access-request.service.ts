import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '../../auth/principal';
import { AuthorizationService } from '../../authz/authorization.service';
import { AppError, ErrorCode, requireUuid } from '../../common/app-error';
import { CHARTER_CONFIG, type CharterConfig } from '../../config/config';
import { GovernanceAuditService } from '../../governance-audit/governance-audit.service';
import { principalLabel } from '../../governance-audit/principal-label';
import { LineageCatalogService, type DatasetFactsRow } from '../../lineage/graph/lineage-catalog.service';
import { holdsRole, isOwner } from '../access-people';
import { AccessRepository, type AccessRequestRow, type GrantRow, type InboxFilter, type RequestStatus, type ReviewStage } from '../access.repository';
import { AccessGrantService } from '../grants/access-grant.service';
import type { AccessAction, AccessFacts } from '../rules/access-rules';
import { RuleBook } from '../rules/rule-book';

export interface DatasetRef {
  datasetId?: string | null;
  namespace?: string | null;
  name?: string | null;
}

export interface AccessRequestInput extends DatasetRef {
  action: AccessAction;
  purpose: string;
  justification?: string | null;
  durationDays: number;
  fields?: string[] | null;
}

export interface RequestOutcome {
  request: AccessRequestRow;
  grant: GrantRow | null;
}

const MAX_DURATION_DAYS = 365;
const isFieldName = (f: string) => f.length >= 1 && f.length <= 200 && [...f].every((c) => c.charCodeAt(0) >= 0x20);
const SWEEP_BATCH = 200;

/**
 * Access requests: facts gathered, rules applied, decisions stored with the rule and facts; escalated
 * requests reviewed by the dataset owner and then the domain's risk officer, with separation of duties.
 */
@Injectable()
export class AccessRequestService {
  constructor(
    @Inject(CHARTER_CONFIG) private readonly config: CharterConfig,
    private readonly repository: AccessRepository,
    private readonly rules: RuleBook,
    private readonly grants: AccessGrantService,
    private readonly lineage: LineageCatalogService,
    private readonly authorization: AuthorizationService,
    private readonly audit: GovernanceAuditService,
  ) {}

  async request(principal: Principal, input: AccessRequestInput): Promise<RequestOutcome> {
    if (principal.via !== 'oidc') throw new AppError(ErrorCode.FORBIDDEN, 'access is requested by people signed in with a token, not by API keys');
    if (!this.rules.isPurpose(input.purpose)) {
      throw AppError.badInput(
        'input.purpose',
        `purpose must be one of ${this.rules
          .purposeList()
          .map((p) => p.id)
          .join(', ')} (policies/access-purposes.yaml)`,
      );
    }
    if (!Number.isInteger(input.durationDays) || input.durationDays < 1 || input.durationDays > MAX_DURATION_DAYS) {
      throw AppError.badInput('input.durationDays', `durationDays must be between 1 and ${MAX_DURATION_DAYS}; renewals are new requests`);
    }
    const justification = (input.justification ?? '').trim();
    if (justification.length > 2000) throw AppError.badInput('input.justification', 'justification must be at most 2000 characters');
    const fields = [...new Set(input.fields ?? [])];
    fields.forEach((f, i) => {
      if (!isFieldName(f)) throw AppError.badInput(`input.fields.${i}`, 'field names are 1-200 printable characters');
    });
    const dataset = await this.resolveDataset(input);
    const facts = await this.facts(principal, dataset, { action: input.action, purpose: input.purpose, durationDays: input.durationDays, fields });

    const decided = this.rules.decide(facts);
    let outcome = decided?.outcome ?? 'escalate';
    let reason = decided?.reason ?? 'no rule matched; escalated to the dataset owner';
    // Two people must approve restricted data, so no rule can approve it alone.
    if (outcome === 'approve' && dataset.sensitivity === 'restricted') {
      outcome = 'escalate';
      reason = `rule ${decided!.rule.id} would approve, but restricted data needs two approvers`;
    }
    const now = new Date();
    const escalated = outcome === 'escalate';
    const request = await this.repository.insertRequest({
      requester_id: principal.id,
      dataset_id: dataset.id,
      fields,
      action: input.action,
      purpose: input.purpose,
      justification,
      duration_days: outcome === 'approve' ? decided!.durationDays : input.durationDays,
      status: outcome === 'approve' ? 'approved' : outcome === 'deny' ? 'denied' : 'escalated',
      stage: escalated ? (dataset.owner ? 'owner' : 'risk_officer') : null,
      required_approvals: dataset.sensitivity === 'restricted' ? 2 : 1,
      decided_automatically: !escalated,
      rule_id: decided?.rule.id ?? null,
      rule_file: decided?.rule.file ?? null,
      reason,
      facts,
      escalated_at: escalated ? now : null,
      decided_at: escalated ? null : now,
    });
    // Writes first, audit rows last: the audit chain serialises writers until commit.
    const granted = outcome === 'approve' ? await this.grants.grant(request, dataset, request.duration_days, `rule:${request.rule_id}`, null) : null;
    await this.audit.record({
      action: `access.request.${outcome}`,
      decision: outcome === 'deny' ? 'deny' : 'allow',
      actorId: principal.id,
      actorLabel: principalLabel(principal),
      target: `dataset:${dataset.namespace}/${dataset.name}`,
      reason,
      details: { requestId: request.id, ruleId: request.rule_id, ruleFile: request.rule_file, facts, stage: request.stage },
    });
    if (granted) await this.audit.record(granted.event);
    return { request, grant: granted?.grant ?? null };
  }

  /** An owner's or risk officer's approval; the grant is made once enough distinct people approved. */
  async approve(principal: Principal, id: string, note: string | null, durationDays: number | null = null): Promise<RequestOutcome> {
    const { request, dataset, authority } = await this.reviewable(principal, id);
    if (durationDays !== null && (!Number.isInteger(durationDays) || durationDays < 1 || durationDays > request.duration_days)) {
      throw AppError.badInput('input.durationDays', `durationDays must be a whole number from 1 to the ${request.duration_days} day(s) requested`);
    }
    if (
      !(await this.repository.insertApproval({
        request_id: id,
        approver_id: principal.id,
        approver_label: principalLabel(principal),
        decision: 'approve',
        authority,
        reason: note,
        duration_days: durationDays,
      }))
    ) {
      throw new AppError(ErrorCode.CONFLICT, 'you have already approved this request; a second approver must be someone else');
    }
    const approvals = (await this.repository.approvals([id])).filter((a) => a.decision === 'approve');
    const complete = approvals.length >= request.required_approvals;
    const event = {
      action: 'access.request.approve',
      decision: 'allow' as const,
      actorId: principal.id,
      actorLabel: principalLabel(principal),
      target: `dataset:${dataset.namespace}/${dataset.name}`,
      reason: note ?? `approved as ${authority}`,
      details: { requestId: id, authority, approvals: approvals.length, required: request.required_approvals, durationDays },
    };
    if (!complete) {
      // The owner approved restricted data: the second approval is the risk officer's.
      if (request.stage === 'owner' && authority === 'owner') await this.repository.setStage(id, 'risk_officer');
      await this.audit.record(event);
      return { request: (await this.repository.findRequests([id]))[0]!, grant: null };
    }
    const approvers = approvals.map((a) => a.approver_label ?? a.approver_id).join(', ');
    await this.repository.finishRequest(id, 'approved', `approved by ${approvers}`);
    const updated = (await this.repository.findRequests([id]))[0]!;
    // The shortest duration any approver allowed (each may approve for less than was asked).
    const days = Math.min(updated.duration_days, MAX_DURATION_DAYS, ...approvals.map((a) => a.duration_days ?? Infinity));
    const granted = await this.grants.grant(updated, dataset, days, `approved by ${approvers}`, principal);
    // Writes first, audit rows last (see request()).
    await this.audit.record(event);
    await this.audit.record(granted.event);
    return { request: updated, grant: granted.grant };
  }

  async deny(principal: Principal, id: string, reason: string): Promise<AccessRequestRow> {
    if (reason.trim() === '') throw AppError.badInput('input.reason', 'a denial needs a reason the requester will see');
    const { dataset, authority } = await this.reviewable(principal, id);
    await this.repository.insertApproval({
      request_id: id,
      approver_id: principal.id,
      approver_label: principalLabel(principal),
      decision: 'deny',
      authority,
      reason,
      duration_days: null,
    });
    await this.repository.finishRequest(id, 'denied', reason.trim());
    await this.audit.record({
      action: 'access.request.reject',
      decision: 'deny',
      actorId: principal.id,
      actorLabel: principalLabel(principal),
      target: `dataset:${dataset.namespace}/${dataset.name}`,
      reason: reason.trim(),
      details: { requestId: id, authority },
    });
    return (await this.repository.findRequests([id]))[0]!;
  }

  /** Moves requests the owner left undecided past the time limit to the domain's risk officer. */
  async escalateOverdue(): Promise<number> {
    const limit = new Date(Date.now() - this.config.access.escalationSeconds * 1000);
    let total = 0;
    for (;;) {
      const n = await this.repository.transaction(async () => {
        const overdue = await this.repository.overdueOwnerReviews(limit, SWEEP_BATCH);
        for (const r of overdue) {
          await this.repository.setStage(r.id, 'risk_officer');
          await this.audit.record({
            action: 'access.request.escalateToRiskOfficer',
            decision: 'allow',
            actorLabel: 'system:access-sweeper',
            target: `dataset:${r.facts.dataset.namespace}/${r.facts.dataset.name}`,
            reason: `the owner did not decide within ${this.config.access.escalationSeconds} s`,
            details: { requestId: r.id, domain: r.facts.dataset.domain, escalatedAt: r.escalated_at },
          });
        }
        return overdue.length;
      });
      total += n;
      if (n < SWEEP_BATCH) return total;
    }
  }

  mine(principal: Principal, status: RequestStatus | undefined, after: { at: string; id: string } | null, limit: number): Promise<AccessRequestRow[]> {
    return this.repository.listRequests({ requesterId: principal.id, status }, after, limit);
  }

  /**
   * The inbox: CISOs, compliance and admins see every request; others see requests on datasets they
   * own and, as risk officers, those in their domains.
   */
  inbox(
    principal: Principal,
    filter: { status?: RequestStatus; stage?: ReviewStage; datasetId?: string; notDecidedBy?: string },
    after: { at: string; id: string } | null,
    limit: number,
  ): Promise<AccessRequestRow[]> {
    const roles = [...principal.roles, ...this.authorization.assignedRoles(principal.subject)];
    const sees = (role: string) => roles.some((r) => r.role === role && r.domain === '*');
    const f: InboxFilter = { ...filter };
    if (!sees('ciso') && !sees('compliance') && !sees('admin')) {
      const riskDomains = roles.filter((r) => r.role === 'risk_officer').map((r) => r.domain);
      f.ownerIn = [principal.email, principal.id].filter((v): v is string => typeof v === 'string');
      if (riskDomains.length > 0) f.domainIn = riskDomains;
      // An owner sees their datasets' requests; a risk officer also sees their domains'.
      return f.domainIn ? this.inboxEither(f, after, limit) : this.repository.listRequests({ ...f, domainIn: undefined }, after, limit);
    }
    return this.repository.listRequests(f, after, limit);
  }

  private async inboxEither(f: InboxFilter, after: { at: string; id: string } | null, limit: number): Promise<AccessRequestRow[]> {
    const owned = await this.repository.listRequests({ ...f, domainIn: undefined }, after, limit);
    const domain = await this.repository.listRequests({ ...f, ownerIn: undefined }, after, limit);
    const merged = new Map([...owned, ...domain].map((r) => [r.id, r]));
    return [...merged.values()].sort((a, b) => b.created_at.getTime() - a.created_at.getTime() || (a.id < b.id ? 1 : -1)).slice(0, limit);
  }

  private async reviewable(principal: Principal, id: string) {
    const request = await this.repository.lockRequest(requireUuid('input.requestId', id));
    if (!request) throw AppError.notFound('access request');
    if (request.requester_id === principal.id) throw new AppError(ErrorCode.FORBIDDEN, 'separation of duties: nobody decides on their own access request');
    const [dataset] = await this.lineage.datasetFacts({ ids: [request.dataset_id] });
    if (!dataset) throw AppError.notFound('dataset');
    const roles = [...principal.roles, ...this.authorization.assignedRoles(principal.subject)];
    const authority = isOwner(principal, dataset.owner)
      ? ('owner' as const)
      : holdsRole(roles, 'risk_officer', dataset.domain)
        ? ('risk_officer' as const)
        : null;
    if (!authority)
      throw new AppError(ErrorCode.FORBIDDEN, `only the owner of the dataset or a risk officer of domain ${dataset.domain} may decide on this request`);
    if (request.status !== 'escalated') throw new AppError(ErrorCode.CONFLICT, `request is already ${request.status}`);
    return { request, dataset, authority };
  }

  private async resolveDataset(ref: DatasetRef): Promise<DatasetFactsRow> {
    let rows: DatasetFactsRow[];
    if (ref.datasetId) rows = await this.lineage.datasetFacts({ ids: [requireUuid('input.datasetId', ref.datasetId)] });
    else if (ref.namespace && ref.name) rows = await this.lineage.datasetFacts({ namespace: ref.namespace, name: ref.name });
    else throw AppError.badInput('input.datasetId', 'give datasetId, or namespace and name');
    if (!rows[0]) throw AppError.notFound('dataset');
    return rows[0];
  }

  private async facts(principal: Principal, dataset: DatasetFactsRow, request: AccessFacts['request']): Promise<AccessFacts> {
    const roles = [...principal.roles, ...this.authorization.assignedRoles(principal.subject)];
    const { attestations, openViolations } = await this.repository.requesterFacts(principal.id);
    return {
      requester: {
        id: principal.id,
        label: principalLabel(principal),
        roles: [...new Set(roles.map((r) => r.role))].sort(),
        domains: [...new Set(roles.map((r) => r.domain))].sort(),
        attestations,
        openViolations,
      },
      dataset: {
        id: dataset.id,
        namespace: dataset.namespace,
        name: dataset.name,
        sensitivity: dataset.sensitivity,
        domain: dataset.domain,
        owner: dataset.owner,
        tags: dataset.tags,
      },
      request,
    };
  }
}
