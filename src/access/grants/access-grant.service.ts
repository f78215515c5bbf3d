import { Injectable } from '@nestjs/common';
import type { Principal } from '../../auth/principal';
import { AuthorizationService } from '../../authz/authorization.service';
import { AppError, ErrorCode } from '../../common/app-error';
import { GovernanceAuditService, type AuditEventInput } from '../../governance-audit/governance-audit.service';
import { principalLabel } from '../../governance-audit/principal-label';
import { LineageCatalogService, type DatasetFactsRow } from '../../lineage/graph/lineage-catalog.service';
import { holdsRole, isOwner } from '../access-people';
import { AccessRepository, type AccessRequestRow, type GrantRow } from '../access.repository';
import { WebhookDeliveryService } from '../webhooks/webhook-delivery.service';
import type { WebhookEvent } from '../webhooks/webhook-outbox.repository';
import { AccessIndex } from './access-index';

const DAY_MS = 86_400_000;
const SWEEP_BATCH = 200;

/**
 * Grants: created from an approved request as an expiring Casbin line (checked at decision time),
 * ended by revocation or expiry. Each change writes its audit event and its webhook outbox rows in
 * the transaction that makes it.
 */
@Injectable()
export class AccessGrantService {
  constructor(
    private readonly repository: AccessRepository,
    private readonly authorization: AuthorizationService,
    private readonly lineage: LineageCatalogService,
    private readonly audit: GovernanceAuditService,
    private readonly webhooks: WebhookDeliveryService,
    private readonly index: AccessIndex,
  ) {}

  /**
   * Called inside the transaction that approves `request`. Returns the grant and its audit event,
   * which the caller records after its own: audit rows serialise writers until commit, so they come last.
   */
  async grant(
    request: AccessRequestRow,
    dataset: DatasetFactsRow,
    durationDays: number,
    via: string,
    actor: Principal | null,
  ): Promise<{ grant: GrantRow; event: AuditEventInput }> {
    const expiresAt = new Date(Date.now() + durationDays * DAY_MS);
    const ruleId = await this.authorization.addExpiringGrant(
      `user:${request.requester_id}`,
      dataset.domain,
      `dataset:${dataset.id}`,
      request.action,
      expiresAt,
    );
    const grant = await this.repository.insertGrant({
      request_id: request.id,
      principal_id: request.requester_id,
      dataset_id: dataset.id,
      action: request.action,
      fields: request.fields,
      expires_at: expiresAt,
      policy_rule_id: ruleId,
    });
    await this.announce('grant.created', grant, dataset, null);
    const event: AuditEventInput = {
      action: 'access.grant.create',
      decision: 'allow',
      actorId: actor?.id ?? null,
      actorLabel: actor ? principalLabel(actor) : `rule:${via}`,
      target: `dataset:${dataset.namespace}/${dataset.name}`,
      reason: `${request.action} for ${request.facts.requester.label ?? request.requester_id} until ${expiresAt.toISOString()} (${via})`,
      details: { grantId: grant.id, requestId: request.id, principalId: request.requester_id, action: request.action, expiresAt, via, policyRuleId: ruleId },
    };
    return { grant, event };
  }

  /** Dataset owners and CISOs revoke at any time, with a reason; others get NOT_FOUND-free FORBIDDEN. */
  async revoke(principal: Principal, grantId: string, reason: string): Promise<GrantRow> {
    if (reason.trim() === '') throw AppError.badInput('input.reason', 'a revocation needs a reason');
    const grant = await this.repository.lockGrant(grantId);
    if (!grant) throw AppError.notFound('grant');
    const dataset = await this.dataset(grant.dataset_id);
    const roles = [...principal.roles, ...this.authorization.assignedRoles(principal.subject)];
    if (!isOwner(principal, dataset.owner) && !holdsRole(roles, 'ciso', dataset.domain)) {
      throw new AppError(ErrorCode.FORBIDDEN, 'only the dataset owner or a CISO may revoke this grant');
    }
    if (grant.ended_at !== null || grant.expires_at.getTime() <= Date.now())
      throw new AppError(ErrorCode.CONFLICT, `grant has already ${grant.end_reason ?? 'expired'}`);
    const ended = await this.repository.endGrant(grant.id, 'revoked', principal.id, reason.trim());
    if (grant.policy_rule_id) await this.authorization.removeGrantLine(grant.policy_rule_id);
    // Fail closed on this replica now rather than after the reload the NOTIFY triggers.
    this.index.forget(grant.id);
    await this.announce('grant.revoked', ended, dataset, reason.trim());
    await this.audit.record({
      action: 'access.grant.revoke',
      decision: 'allow',
      actorId: principal.id,
      actorLabel: principalLabel(principal),
      target: `dataset:${dataset.namespace}/${dataset.name}`,
      reason: reason.trim(),
      details: { grantId: grant.id, principalId: grant.principal_id, action: grant.action, expiresAt: grant.expires_at },
    });
    return ended;
  }

  /** Ends grants past their expiry (access already stopped at check time); returns how many. */
  async sweepExpired(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.repository.transaction(async () => {
        const due = await this.repository.dueExpiries(SWEEP_BATCH);
        if (due.length === 0) return 0;
        const datasets = new Map((await this.lineage.datasetFacts({ ids: [...new Set(due.map((g) => g.dataset_id))] })).map((d) => [d.id, d]));
        for (const grant of due) {
          const ended = await this.repository.endGrant(grant.id, 'expired', null, null);
          if (grant.policy_rule_id) await this.authorization.removeGrantLine(grant.policy_rule_id);
          const dataset = datasets.get(grant.dataset_id)!;
          await this.announce('grant.expired', ended, dataset, null);
          await this.audit.record({
            action: 'access.grant.expire',
            decision: 'allow',
            actorLabel: 'system:access-sweeper',
            target: `dataset:${dataset.namespace}/${dataset.name}`,
            reason: `expired at ${grant.expires_at.toISOString()}`,
            details: { grantId: grant.id, principalId: grant.principal_id, action: grant.action, expiresAt: grant.expires_at },
          });
        }
        return due.length;
      });
      total += n;
      if (n < SWEEP_BATCH) return total;
    }
  }

  private async dataset(id: string): Promise<DatasetFactsRow> {
    const [dataset] = await this.lineage.datasetFacts({ ids: [id] });
    if (!dataset) throw AppError.notFound('dataset');
    return dataset;
  }

  private announce(event: WebhookEvent, grant: GrantRow, dataset: DatasetFactsRow, reason: string | null): Promise<void> {
    return this.webhooks.enqueue(event, grant.id, {
      grantId: grant.id,
      requestId: grant.request_id,
      subject: `user:${grant.principal_id}`,
      dataset: { id: dataset.id, namespace: dataset.namespace, name: dataset.name },
      action: grant.action,
      fields: grant.fields,
      grantedAt: grant.granted_at,
      expiresAt: grant.expires_at,
      endedAt: grant.ended_at,
      reason,
    });
  }
}
