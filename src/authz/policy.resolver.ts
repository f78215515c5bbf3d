import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { AppError } from '../common/app-error';
import { decodeCursor, toConnection, validatePageSize } from '../common/graphql/pagination';
import {
  PolicyConnection,
  PolicyEffect,
  PolicyInput,
  PolicyListArgs,
  PolicyType,
  RoleAssignmentConnection,
  RoleAssignmentInput,
  RoleAssignmentListArgs,
  RoleAssignmentType,
} from './dto/policy.type';
import type { PolicyRow } from './policy.repository';
import { PolicyService } from './policy.service';
import { Requires } from './requires.decorator';

function requireNumericCursor(after: string): string {
  const id = decodeCursor(after);
  if (!/^\d+$/.test(id)) throw AppError.badInput('after', 'after is not a cursor returned by this API');
  return id;
}

const toPolicy = (r: PolicyRow): PolicyType => ({
  id: r.id,
  subject: r.v0,
  domain: r.v1,
  object: r.v2,
  action: r.v3,
  effect: (r.v4 || 'allow') as PolicyEffect,
});
const toAssignment = (r: PolicyRow): RoleAssignmentType => ({ id: r.id, subject: r.v0, role: r.v1, domain: r.v2 });

@Resolver(() => PolicyType)
export class PolicyResolver {
  constructor(private readonly service: PolicyService) {}

  @Query(() => PolicyConnection, { description: 'Authorization policies, in insertion order' })
  @Requires('policy.read')
  async policies(@Args() args: PolicyListArgs): Promise<PolicyConnection> {
    const first = validatePageSize(args.first);
    const rows = await this.service.listPolicies(args, args.after ? requireNumericCursor(args.after) : null, first + 1);
    return toConnection(rows, first, (r) => r.id, toPolicy);
  }

  @Query(() => RoleAssignmentConnection, { description: 'Role assignments made by administrators (IdP group roles are in the token)' })
  @Requires('policy.read')
  async roleAssignments(@Args() args: RoleAssignmentListArgs): Promise<RoleAssignmentConnection> {
    const first = validatePageSize(args.first);
    const rows = await this.service.listAssignments(args, args.after ? requireNumericCursor(args.after) : null, first + 1);
    return toConnection(rows, first, (r) => r.id, toAssignment);
  }

  @Mutation(() => PolicyType, { description: 'Adds a policy; every replica applies it within a second' })
  @Requires('policy.manage')
  async addPolicy(@CurrentPrincipal() actor: Principal, @Args('input') input: PolicyInput): Promise<PolicyType> {
    return toPolicy(await this.service.addPolicy(actor, input));
  }

  @Mutation(() => Boolean, { description: 'Removes a policy; NOT_FOUND if no such policy exists' })
  @Requires('policy.manage')
  async removePolicy(@CurrentPrincipal() actor: Principal, @Args('input') input: PolicyInput): Promise<boolean> {
    await this.service.removePolicy(actor, input);
    return true;
  }

  @Mutation(() => RoleAssignmentType, { description: 'Gives a subject a role in a domain' })
  @Requires('policy.manage')
  async assignRole(@CurrentPrincipal() actor: Principal, @Args('input') input: RoleAssignmentInput): Promise<RoleAssignmentType> {
    return toAssignment(await this.service.assignRole(actor, input));
  }

  @Mutation(() => Boolean, { description: 'Takes a role assignment away' })
  @Requires('policy.manage')
  async unassignRole(@CurrentPrincipal() actor: Principal, @Args('input') input: RoleAssignmentInput): Promise<boolean> {
    await this.service.unassignRole(actor, input);
    return true;
  }
}
