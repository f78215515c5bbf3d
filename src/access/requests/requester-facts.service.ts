import { Injectable } from '@nestjs/common';
import type { Principal } from '../../auth/principal';
import { AppError, requireUuid, requireValidDate } from '../../common/app-error';
import { GovernanceAuditService } from '../../governance-audit/governance-audit.service';
import { principalLabel } from '../../governance-audit/principal-label';
import { AccessRepository } from '../access.repository';

const KIND = /^[a-z0-9][a-z0-9-]{0,59}$/;

/** Attestations (e.g. privacy training) and open violations, maintained by compliance; rules read them. */
@Injectable()
export class RequesterFactsService {
  constructor(
    private readonly repository: AccessRepository,
    private readonly audit: GovernanceAuditService,
  ) {}

  async setAttestation(
    actor: Principal,
    input: { principal: string; kind: string; expiresAt?: Date | null },
  ): Promise<{ principalId: string; kind: string; expiresAt: Date | null }> {
    if (!KIND.test(input.kind)) throw AppError.badInput('input.kind', 'kind is 1-60 lowercase letters, digits and -');
    const expiresAt = input.expiresAt ? requireValidDate('input.expiresAt', input.expiresAt) : null;
    const principalId = await this.person(input.principal);
    await this.repository.upsertAttestation(principalId, input.kind, expiresAt, actor.id);
    await this.audit.record({
      action: 'access.attestation.set',
      decision: 'allow',
      actorId: actor.id,
      actorLabel: principalLabel(actor),
      target: `principal:${principalId}`,
      reason: `${input.kind} valid until ${expiresAt?.toISOString() ?? 'further notice'}`,
      details: { kind: input.kind, expiresAt },
    });
    return { principalId, kind: input.kind, expiresAt };
  }

  async openViolation(actor: Principal, input: { principal: string; description: string }): Promise<{ id: string; principalId: string; openedAt: Date }> {
    const description = input.description.trim();
    if (description === '' || description.length > 2000) throw AppError.badInput('input.description', 'description is 1-2000 characters');
    const principalId = await this.person(input.principal);
    const row = await this.repository.openViolation(principalId, description, actor.id);
    await this.audit.record({
      action: 'access.violation.open',
      decision: 'allow',
      actorId: actor.id,
      actorLabel: principalLabel(actor),
      target: `principal:${principalId}`,
      reason: description,
      details: { violationId: row.id },
    });
    return { id: row.id, principalId, openedAt: row.opened_at };
  }

  async closeViolation(actor: Principal, id: string): Promise<void> {
    const closed = await this.repository.closeViolation(requireUuid('id', id), actor.id);
    if (!closed) throw AppError.notFound('open violation');
    await this.audit.record({
      action: 'access.violation.close',
      decision: 'allow',
      actorId: actor.id,
      actorLabel: principalLabel(actor),
      target: `principal:${closed.principal_id}`,
      details: { violationId: id },
    });
  }

  private async person(ref: string): Promise<string> {
    const id = await this.repository.findPrincipalId(ref.trim());
    if (!id) throw AppError.badInput('input.principal', 'no such person (a principal id or the e-mail of someone who has signed in)');
    return id;
  }
}
