import { Args, Context, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { FastifyRequest } from 'fastify';
import { PeopleLoader } from '../auth/people.loader';
import { PersonType } from '../auth/person.type';
import { Requires } from '../authz/requires.decorator';
import { AppError, requireValidDate } from '../common/app-error';
import { decodeCursor, toConnection, validatePageSize } from '../common/graphql/pagination';
import { AuditChainVerificationType, AuditEventConnection, AuditEventsArgs, AuditEventType } from './dto/audit-event.type';
import type { AuditRow } from './governance-audit.repository';
import { GovernanceAuditService } from './governance-audit.service';

const DECISIONS = ['allow', 'deny', 'error'];

const toEvent = (r: AuditRow): AuditEventType => ({
  seq: r.seq,
  occurredAt: r.occurred_at,
  actorId: r.actor_id,
  actorLabel: r.actor_label,
  action: r.action,
  target: r.target,
  decision: r.decision,
  reason: r.reason,
  requestId: r.request_id,
  details: r.details,
  hash: r.hash,
  prevHash: r.prev_hash,
});

@Resolver(() => AuditEventType)
export class GovernanceAuditResolver {
  constructor(
    private readonly audit: GovernanceAuditService,
    private readonly people: PeopleLoader,
  ) {}

  @ResolveField(() => PersonType, { nullable: true, description: 'The actor as they are now; null for anonymous callers, API keys and the system' })
  actorPerson(@Parent() event: AuditEventType, @Context('req') request: FastifyRequest): Promise<PersonType | null> {
    return event.actorId ? this.people.load(request, event.actorId) : Promise.resolve(null);
  }

  @Query(() => AuditEventConnection, { description: 'The governance audit log, newest first, filtered' })
  @Requires('audit.read')
  async auditEvents(@Args() args: AuditEventsArgs): Promise<AuditEventConnection> {
    const first = validatePageSize(args.first);
    if (args.decision && !DECISIONS.includes(args.decision)) throw AppError.badInput('decision', `decision must be one of ${DECISIONS.join(', ')}`);
    let beforeSeq: string | null = null;
    if (args.after) {
      beforeSeq = decodeCursor(args.after);
      if (!/^\d+$/.test(beforeSeq)) throw AppError.badInput('after', 'after is not a cursor returned by this API');
    }
    if (args.from) requireValidDate('from', args.from);
    if (args.to) requireValidDate('to', args.to);
    const rows = await this.audit.find({ ...args, beforeSeq }, first + 1);
    return toConnection(rows, first, (r) => r.seq, toEvent);
  }

  @Query(() => AuditChainVerificationType, { description: 'Recomputes the hash chain; names the first row that breaks it' })
  @Requires('audit.read')
  async verifyAuditChain(): Promise<AuditChainVerificationType> {
    const result = await this.audit.verifyChain();
    return { ...result, firstBrokenSeq: result.firstBrokenSeq === null ? null : String(result.firstBrokenSeq) };
  }
}
