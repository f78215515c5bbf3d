import { Injectable } from '@nestjs/common';
import { CHARTER_ROLES, type Principal } from '../auth/principal';
import { AppError, ErrorCode } from '../common/app-error';
import { GovernanceAuditService } from '../governance-audit/governance-audit.service';
import { principalLabel } from '../governance-audit/principal-label';
import type { PolicyInput, RoleAssignmentInput } from './dto/policy.type';
import { PolicyRepository, type PolicyRow } from './policy.repository';

// Commas and newlines would corrupt the CSV form of the policy; whitespace makes rules ambiguous.
const TOKEN = /^[A-Za-z0-9_:*.@\-/]{1,200}$/;

/** Admin changes to policies and role assignments; each is audited and broadcast to every replica. */
@Injectable()
export class PolicyService {
  constructor(
    private readonly policies: PolicyRepository,
    private readonly audit: GovernanceAuditService,
  ) {}

  listPolicies(
    filter: { subject?: string | null; domain?: string | null; object?: string | null },
    afterId: string | null,
    limit: number,
  ): Promise<PolicyRow[]> {
    return this.policies.find('p', { v0: filter.subject ?? undefined, v1: filter.domain ?? undefined, v2: filter.object ?? undefined }, afterId, limit);
  }

  listAssignments(filter: { subject?: string | null; role?: string | null }, afterId: string | null, limit: number): Promise<PolicyRow[]> {
    return this.policies.find('g', { v0: filter.subject ?? undefined, v1: filter.role ?? undefined }, afterId, limit);
  }

  async addPolicy(actor: Principal, input: PolicyInput): Promise<PolicyRow> {
    const values = this.policyValues(input);
    const row = await this.policies.insert('p', values);
    if (!row) throw new AppError(ErrorCode.CONFLICT, 'this policy already exists', 'input');
    await this.record(actor, 'policy.add', `policy:${row.id}`, { ...input });
    return row;
  }

  async removePolicy(actor: Principal, input: PolicyInput): Promise<PolicyInput> {
    const values = this.policyValues(input);
    if (!(await this.policies.delete('p', values))) throw AppError.notFound(`policy ${values.join(', ')}`);
    await this.record(actor, 'policy.remove', `policy:${values.join(',')}`, { ...input });
    return input;
  }

  async assignRole(actor: Principal, input: RoleAssignmentInput): Promise<PolicyRow> {
    const values = this.assignmentValues(input);
    const row = await this.policies.insert('g', values);
    if (!row) throw new AppError(ErrorCode.CONFLICT, 'this role assignment already exists', 'input');
    await this.record(actor, 'role.assign', input.subject, { ...input });
    return row;
  }

  async unassignRole(actor: Principal, input: RoleAssignmentInput): Promise<RoleAssignmentInput> {
    const values = this.assignmentValues(input);
    if (!(await this.policies.delete('g', values))) throw AppError.notFound(`role assignment ${values.join(', ')}`);
    await this.record(actor, 'role.unassign', input.subject, { ...input });
    return input;
  }

  private policyValues(input: PolicyInput): string[] {
    for (const field of ['subject', 'domain', 'object', 'action'] as const) check(`input.${field}`, input[field]);
    return [input.subject, input.domain, input.object, input.action, input.effect];
  }

  private assignmentValues(input: RoleAssignmentInput): string[] {
    check('input.subject', input.subject);
    check('input.domain', input.domain);
    if (!(CHARTER_ROLES as readonly string[]).includes(input.role)) {
      throw AppError.badInput('input.role', `unknown role "${input.role}"; roles are ${CHARTER_ROLES.join(', ')}`);
    }
    return [input.subject, input.role, input.domain];
  }

  private record(actor: Principal, action: string, target: string, details: Record<string, unknown>): Promise<void> {
    return this.audit.record({ action, decision: 'allow', actorId: actor.id, actorLabel: principalLabel(actor), target, details });
  }
}

function check(field: string, value: string): void {
  if (!TOKEN.test(value)) throw AppError.badInput(field, `${field} must be 1-200 characters of letters, digits and _ : * . @ - /`);
}
