import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { CurrentPrincipal } from '../../auth/current-principal.decorator';
import type { Principal } from '../../auth/principal';
import { Requires } from '../../authz/requires.decorator';
import { AppError, isUuid } from '../../common/app-error';
import { principalLabel } from '../../governance-audit/principal-label';
import { AccessIndex } from '../grants/access-index';
import { ACCESS_ACTIONS, type AccessAction } from '../rules/access-rules';
import { DenialAuditBatcher } from './denial-audit-batcher';

export interface CheckAnswer {
  allowed: boolean;
  reason: string;
  grantId: string | null;
  expiresAt: string | null;
  /** When allowed: the fields the grant covers; empty means the whole dataset. */
  fields: string[] | null;
}

/** The decision API for data platforms (warehouses, object stores): answered from memory. */
@Controller('api/v1/authz')
export class DecisionController {
  constructor(
    private readonly index: AccessIndex,
    private readonly denials: DenialAuditBatcher,
  ) {}

  @Post('check')
  @HttpCode(200)
  @Requires('access.check', { allowApiKeys: true })
  check(@CurrentPrincipal() caller: Principal, @Body() body: unknown): CheckAnswer {
    const { subject, dataset, action } = parse(body);
    const decision = this.index.decide(subject, dataset, action);
    if (!decision.allowed) {
      this.denials.push({
        action: 'access.check',
        decision: 'deny',
        actorId: caller.id,
        actorLabel: principalLabel(caller) ?? caller.subject,
        target: typeof dataset === 'string' ? `dataset:${dataset}` : `dataset:${dataset.namespace}/${dataset.name}`,
        reason: decision.reason,
        details: { subject, action, grantId: decision.grantId },
      });
    }
    return {
      allowed: decision.allowed,
      reason: decision.reason,
      grantId: decision.grantId,
      expiresAt: decision.expiresAt?.toISOString() ?? null,
      fields: decision.fields,
    };
  }
}

function parse(body: unknown): { subject: string; dataset: string | { namespace: string; name: string }; action: AccessAction } {
  if (!body || typeof body !== 'object') throw AppError.badInput('/', 'body must be a JSON object {subject, dataset, action}');
  const b = body as Record<string, unknown>;
  if (typeof b['subject'] !== 'string' || b['subject'].length === 0 || b['subject'].length > 320) {
    throw AppError.badInput('/subject', 'subject must be a principal id, user:<id> or an e-mail address');
  }
  const action = b['action'];
  if (typeof action !== 'string' || !(ACCESS_ACTIONS as readonly string[]).includes(action)) {
    throw AppError.badInput('/action', `action must be one of ${ACCESS_ACTIONS.join(', ')}`);
  }
  const d = b['dataset'];
  let dataset: string | { namespace: string; name: string };
  if (typeof d === 'string' && isUuid(d)) dataset = d.toLowerCase();
  else if (
    d &&
    typeof d === 'object' &&
    typeof (d as Record<string, unknown>)['namespace'] === 'string' &&
    typeof (d as Record<string, unknown>)['name'] === 'string'
  ) {
    dataset = { namespace: (d as { namespace: string }).namespace, name: (d as { name: string }).name };
  } else throw AppError.badInput('/dataset', 'dataset must be a dataset id (UUID) or {namespace, name}');
  return { subject: b['subject'], dataset, action: action as AccessAction };
}
