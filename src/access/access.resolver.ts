import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { Requires } from '../authz/requires.decorator';
import { requireUuid } from '../common/app-error';
import { decodeTimeIdCursor, encodeTimeIdCursor, validatePageSize, type Connection } from '../common/graphql/pagination';
import { AccessViewService } from './access-views.service';
import {
  AccessChainArgs,
  AccessGrantsArgs,
  AccessRequestsArgs,
  ApproveAccessRequestInput,
  DatasetAccessAtArgs,
  DenyAccessRequestInput,
  MyAccessRequestsArgs,
  OpenAccessViolationInput,
  RequestDatasetAccessInput,
  RevokeAccessGrantInput,
  SetAccessAttestationInput,
} from './dto/access.args';
import {
  AccessAttestationType,
  AccessChainType,
  AccessDecisionType,
  AccessGrantConnection,
  AccessGrantType,
  AccessPurposeType,
  AccessRequestConnection,
  AccessRequestType,
  AccessRuleType,
  AccessViolationType,
} from './dto/access.type';
import { AccessRequestService, type RequestOutcome } from './requests/access-request.service';
import { RequesterFactsService } from './requests/requester-facts.service';
import { AccessGrantService } from './grants/access-grant.service';
import { RuleBook } from './rules/rule-book';
import type { AccessRule } from './rules/access-rules';

/** Keyset cursor over (created_at or granted_at, id), newest first. */
function readCursor(after: string | null | undefined): { at: string; id: string } | null {
  return after ? decodeTimeIdCursor(after) : null;
}

function page<R extends { id: string }, T>(rows: R[], first: number, at: (r: R) => Date, nodes: T[]): Connection<T> {
  const last = rows.slice(0, first).at(-1);
  return {
    nodes: nodes.slice(0, first),
    pageInfo: { hasNextPage: rows.length > first, endCursor: last ? encodeTimeIdCursor(at(last), last.id) : null },
  };
}

const toRule = (r: AccessRule): AccessRuleType => ({
  id: r.id,
  file: r.file,
  outcome: r.outcome,
  description: r.description ?? null,
  maxDurationDays: r.maxDurationDays ?? null,
  reason: r.reason ?? null,
  when: r.when as Record<string, unknown>,
});

@Resolver()
export class AccessResolver {
  constructor(
    private readonly requests: AccessRequestService,
    private readonly grants: AccessGrantService,
    private readonly facts: RequesterFactsService,
    private readonly views: AccessViewService,
    private readonly rules: RuleBook,
  ) {}

  @Mutation(() => AccessDecisionType, { description: 'Ask for a dataset; the rules decide at once (approve, deny) or escalate to people' })
  @Requires('access.request')
  async requestDatasetAccess(@CurrentPrincipal() principal: Principal, @Args('input') input: RequestDatasetAccessInput): Promise<AccessDecisionType> {
    const outcome = await this.requests.request(principal, input);
    const request = this.views.decided(outcome.request, { id: principal.id, email: principal.email ?? null, name: principal.name ?? null }, outcome.grant);
    const [grant] = outcome.grant ? await this.views.grants([outcome.grant], [request]) : [];
    return { request, grant: grant ?? null };
  }

  @Query(() => AccessRequestConnection, { description: "The caller's own requests, newest first" })
  @Requires('access.request')
  async myAccessRequests(@CurrentPrincipal() principal: Principal, @Args() args: MyAccessRequestsArgs): Promise<AccessRequestConnection> {
    const first = validatePageSize(args.first);
    const rows = await this.requests.mine(principal, args.status ?? undefined, readCursor(args.after), first + 1);
    return page(rows, first, (r) => r.created_at, await this.views.requests(rows.slice(0, first)));
  }

  @Query(() => AccessRequestConnection, { description: 'The review inbox: requests on datasets the caller owns or, for risk officers, in their domains' })
  @Requires('access.review')
  async accessRequests(@CurrentPrincipal() principal: Principal, @Args() args: AccessRequestsArgs): Promise<AccessRequestConnection> {
    const first = validatePageSize(args.first);
    const filter = {
      status: args.status ?? undefined,
      stage: args.stage ?? undefined,
      datasetId: args.datasetId ? requireUuid('datasetId', args.datasetId) : undefined,
      notDecidedBy: args.awaitingMe ? principal.id : undefined,
    };
    const rows = await this.requests.inbox(principal, filter, readCursor(args.after), first + 1);
    return page(rows, first, (r) => r.created_at, await this.views.requests(rows.slice(0, first)));
  }

  @Mutation(() => AccessDecisionType, { description: 'Approve an escalated request (never your own); restricted data needs two distinct approvers' })
  @Requires('access.review')
  async approveAccessRequest(@CurrentPrincipal() principal: Principal, @Args('input') input: ApproveAccessRequestInput): Promise<AccessDecisionType> {
    return this.decision(await this.requests.approve(principal, input.requestId, input.note?.trim() || null, input.durationDays ?? null));
  }

  @Mutation(() => AccessRequestType, { description: 'Deny an escalated request, with a reason the requester sees' })
  @Requires('access.review')
  async denyAccessRequest(@CurrentPrincipal() principal: Principal, @Args('input') input: DenyAccessRequestInput): Promise<AccessRequestType> {
    return (await this.views.requests([await this.requests.deny(principal, input.requestId, input.reason)]))[0]!;
  }

  @Mutation(() => AccessGrantType, { description: 'End a grant now (dataset owner or CISO), with a reason' })
  @Requires('access.revoke')
  async revokeAccessGrant(@CurrentPrincipal() principal: Principal, @Args('input') input: RevokeAccessGrantInput): Promise<AccessGrantType> {
    const grant = await this.grants.revoke(principal, requireUuid('input.grantId', input.grantId), input.reason);
    return (await this.views.grants([grant]))[0]!;
  }

  @Query(() => AccessGrantConnection, { description: 'Grants, newest first, including ended ones unless activeOnly' })
  @Requires('access.read')
  async accessGrants(@Args() args: AccessGrantsArgs): Promise<AccessGrantConnection> {
    const first = validatePageSize(args.first);
    const filter = {
      principalId: args.principal ? await this.views.principalId(args.principal, 'principal') : undefined,
      datasetId: args.datasetId ? requireUuid('datasetId', args.datasetId) : undefined,
      activeOnly: args.activeOnly,
    };
    const rows = await this.views.listGrants(filter, readCursor(args.after), first + 1);
    return page(rows, first, (g) => g.granted_at, await this.views.grants(rows.slice(0, first)));
  }

  @Query(() => AccessChainType, { description: 'person → grants → the requests and approvals behind them → datasets' })
  @Requires('access.read')
  accessChain(@Args() args: AccessChainArgs): Promise<AccessChainType> {
    return this.views.chain(args.principal);
  }

  @Query(() => [AccessGrantType], { description: 'Who had access to a dataset at a past (or present) moment, and through which rule or approvers' })
  @Requires('access.read')
  datasetAccessAt(@Args() args: DatasetAccessAtArgs): Promise<AccessGrantType[]> {
    return this.views.accessAt(args, args.at);
  }

  @Query(() => [AccessPurposeType], { description: 'The purposes a request may name' })
  @Requires('access.request')
  accessPurposes(): AccessPurposeType[] {
    return this.rules.purposeList();
  }

  @Query(() => [AccessRuleType], { description: 'The access rules in evaluation order' })
  @Requires('access.request')
  accessRules(): AccessRuleType[] {
    return this.rules.list().map(toRule);
  }

  @Mutation(() => [AccessRuleType], {
    description: 'Re-reads policies/access-rules; a bad file is refused with its file, rule and field, and the current rules stay',
  })
  @Requires('access.manage')
  async reloadAccessRules(@CurrentPrincipal() principal: Principal): Promise<AccessRuleType[]> {
    return (await this.rules.reloadAudited(principal)).map(toRule);
  }

  @Mutation(() => AccessAttestationType, { description: 'Record an attestation (e.g. privacy-training) for a person' })
  @Requires('access.attest')
  setAccessAttestation(@CurrentPrincipal() principal: Principal, @Args('input') input: SetAccessAttestationInput): Promise<AccessAttestationType> {
    return this.facts.setAttestation(principal, input);
  }

  @Mutation(() => AccessViolationType, { description: 'Open a policy violation against a person; rules may refuse them new access while it is open' })
  @Requires('access.attest')
  openAccessViolation(@CurrentPrincipal() principal: Principal, @Args('input') input: OpenAccessViolationInput): Promise<AccessViolationType> {
    return this.facts.openViolation(principal, input);
  }

  @Mutation(() => Boolean)
  @Requires('access.attest')
  async closeAccessViolation(@CurrentPrincipal() principal: Principal, @Args('id') id: string): Promise<boolean> {
    await this.facts.closeViolation(principal, id);
    return true;
  }

  private async decision(outcome: RequestOutcome): Promise<AccessDecisionType> {
    const [request] = await this.views.requests([outcome.request]);
    const [grant] = outcome.grant ? await this.views.grants([outcome.grant], [request!]) : [];
    return { request: request!, grant: grant ?? null };
  }
}
