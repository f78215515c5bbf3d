import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '../../auth/principal';
import { AppError, ErrorCode, requireUuid, requireValidDate } from '../../common/app-error';
import { GovernanceAuditService } from '../../governance-audit/governance-audit.service';
import { BiasService } from '../bias/bias.service';
import { CardService, type CardView } from '../cards/card.service';
import { MODEL_POLICIES } from '../model-policies.provider';
import type { ModelPolicies } from '../model-policies';
import type { VersionRow } from '../registry/registry.repository';
import { RegistryService, actorOf } from '../registry/registry.service';
import { ExceptionRepository, type ExceptionRow } from './exception.repository';
import { WAIVABLE, productionGateFailures, stageMoveProblem, type GateFailure, type Stage, type Waivable } from './promotion-gate';

// An exception is a stopgap, not a second approval route.
export const MAX_EXCEPTION_DAYS = 90;

/** Stage moves through the gate of policies/promotion-gates.yaml, and named, expiring exceptions. */
@Injectable()
export class PromotionService {
  constructor(
    private readonly registry: RegistryService,
    private readonly cards: CardService,
    private readonly bias: BiasService,
    private readonly exceptions: ExceptionRepository,
    private readonly audit: GovernanceAuditService,
    @Inject(MODEL_POLICIES) private readonly policies: ModelPolicies,
  ) {}

  exceptionsOf(versionId: string): Promise<ExceptionRow[]> {
    return this.exceptions.forVersion(versionId);
  }

  async promote(principal: Principal, input: { modelVersionId: string; to: Stage; reason?: string | null; exceptionId?: string | null }): Promise<VersionRow> {
    const view = await this.cards.view(principal, input.modelVersionId, 'model.promote', true);
    const { version, model } = view;
    if ((input.reason?.length ?? 0) > 2000) throw AppError.badInput('input.reason', 'reason must be at most 2000 characters');
    const moveProblem = stageMoveProblem(version.stage, input.to);
    if (moveProblem) throw new AppError(ErrorCode.CONFLICT, moveProblem, 'input.to');

    let exception: ExceptionRow | null = null;
    if (input.exceptionId) {
      requireUuid('input.exceptionId', input.exceptionId);
      exception = (await this.exceptions.forVersion(version.id)).find((e) => e.id === input.exceptionId) ?? null;
      if (!exception) throw AppError.badInput('input.exceptionId', `version ${version.version} has no exception ${input.exceptionId}`);
      if (new Date(exception.expires_at) <= new Date())
        throw AppError.badInput('input.exceptionId', `exception ${exception.name} expired at ${new Date(exception.expires_at).toISOString()}`);
    }
    let waived: string[] = [];
    if (input.to === 'production') {
      const failures = await this.gateFailures(view, new Date());
      const waives = new Set<string>(exception?.waives ?? []);
      const blocking = failures.filter((f) => !waives.has(f.condition));
      if (blocking.length) {
        throw new AppError(
          ErrorCode.CONFLICT,
          `promotion gate (${model.risk_tier} risk): ${blocking.map((f) => `${f.condition}: ${f.message}`).join(' | ')}`,
          'input.to',
        );
      }
      waived = failures.map((f) => f.condition);
    }
    const moved = await this.registry.moveStage(principal, version, input.to, input.reason ?? null, waived.length ? exception!.id : null);
    await this.audit.record({
      action: 'model.version.promote',
      decision: 'allow',
      ...actorOf(principal),
      target: `model:${model.name}@${version.version}`,
      details: {
        modelVersionId: version.id,
        domain: model.domain,
        from: version.stage,
        to: input.to,
        reason: input.reason ?? null,
        cardRevision: view.card.current_revision,
        cardStatus: view.card.status,
        ...(waived.length ? { exception: { id: exception!.id, name: exception!.name, waived } } : {}),
      },
    });
    return moved;
  }

  /**
   * The production gate evaluated now, each failure with the live exception (if any) that waives
   * it. For a version already in production this says whether it still meets the gate — an
   * exception that let it in may have expired since, which does not move it out of production.
   */
  async gateCheck(principal: Principal, versionId: string): Promise<{ checkedAt: Date; failures: (GateFailure & { waivedBy: ExceptionRow | null })[] }> {
    const view = await this.cards.view(principal, versionId);
    const checkedAt = new Date();
    const failures = await this.gateFailures(view, checkedAt);
    // Newest expiry first (the repository's order): the waiver that lasts longest is named.
    const live = (await this.exceptions.forVersion(view.version.id)).filter((e) => new Date(e.expires_at) > checkedAt);
    return { checkedAt, failures: failures.map((f) => ({ ...f, waivedBy: live.find((e) => (e.waives as string[]).includes(f.condition)) ?? null })) };
  }

  private async gateFailures(view: CardView, now: Date): Promise<GateFailure[]> {
    const latest = await this.bias.latestPerAttribute(view.version.id);
    return productionGateFailures(this.policies.gates[view.model.risk_tier], {
      tier: view.model.risk_tier,
      cardStatus: view.card.status,
      cardRevision: view.card.current_revision,
      approvals: view.approvals.length,
      requiredApprovals: view.requiredApprovals,
      latestReports: latest.map((r) => ({ id: r.id, protectedAttribute: r.protected_attribute, metrics: r.report, createdAt: new Date(r.created_at) })),
      now,
    });
  }

  async grantException(
    principal: Principal,
    input: { modelVersionId: string; name: string; reason: string; waives: Waivable[]; expiresAt: Date },
  ): Promise<ExceptionRow> {
    const { version, model, card, requiredApprovals } = await this.cards.view(principal, input.modelVersionId, 'model.except', true);
    if (!input.name.trim() || input.name.length > 200) throw AppError.badInput('input.name', 'name must be 1..200 characters');
    if (!input.reason.trim() || input.reason.length > 5000) throw AppError.badInput('input.reason', 'reason must be 1..5000 characters');
    if (!input.waives.length || input.waives.some((w) => !WAIVABLE.includes(w)))
      throw AppError.badInput('input.waives', `waives must name ${WAIVABLE.join(' and/or ')}`);
    const expiresAt = requireValidDate('input.expiresAt', input.expiresAt);
    const now = Date.now();
    if (expiresAt.getTime() <= now) throw AppError.badInput('input.expiresAt', 'expiresAt must be in the future');
    if (expiresAt.getTime() > now + MAX_EXCEPTION_DAYS * 86_400_000)
      throw AppError.badInput('input.expiresAt', `an exception lasts at most ${MAX_EXCEPTION_DAYS} days`);
    // An exception stands in for checks, so whoever may not check the card may not waive them either.
    if (principal.id === model.owner) throw new AppError(ErrorCode.FORBIDDEN, `maker-checker: the owner of model ${model.name} cannot grant it an exception`);
    if ((await this.cards.authors(card.id)).includes(principal.id)) {
      throw new AppError(ErrorCode.FORBIDDEN, 'maker-checker: an author of a revision of this card cannot grant it an exception');
    }
    if (input.waives.includes('card_approval') && requiredApprovals > 1) {
      throw new AppError(
        ErrorCode.FORBIDDEN,
        `a ${model.risk_tier}-risk card needs ${requiredApprovals} approvers (policies/model-review.yaml); one person's exception cannot waive card_approval`,
        'input.waives',
      );
    }
    const row = await this.exceptions.insert({
      model_version_id: version.id,
      name: input.name,
      reason: input.reason,
      waives: [...new Set(input.waives)],
      granted_by: principal.id,
      expires_at: expiresAt,
    });
    await this.audit.record({
      action: 'model.exception.grant',
      decision: 'allow',
      ...actorOf(principal),
      target: `model:${model.name}@${version.version}`,
      details: { modelVersionId: version.id, exceptionId: row.id, name: row.name, waives: row.waives, expiresAt: expiresAt.toISOString(), reason: row.reason },
    });
    return row;
  }
}
