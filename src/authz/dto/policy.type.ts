import { ArgsType, Field, ID, InputType, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ConnectionType, PageArgs } from '../../common/graphql/pagination';

export enum PolicyEffect {
  allow = 'allow',
  deny = 'deny',
}
registerEnumType(PolicyEffect, { name: 'PolicyEffect', description: 'deny overrides allow' });

@ObjectType('Policy', { description: 'A Casbin policy line: subject may (or may not) do object.action in domain' })
export class PolicyType {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'Role name, user:<principal id> or apikey:<key id>' })
  subject!: string;

  @Field({ description: 'Domain, or "*" for every domain' })
  domain!: string;

  @Field({ description: 'Resource, e.g. audit; keyMatch patterns such as * allowed' })
  object!: string;

  @Field({ description: 'Action, e.g. read; "*" for every action' })
  action!: string;

  @Field(() => PolicyEffect)
  effect!: PolicyEffect;
}

@ObjectType('PolicyConnection')
export class PolicyConnection extends ConnectionType(PolicyType) {}

@InputType()
export class PolicyInput {
  @Field()
  subject!: string;

  @Field({ defaultValue: '*' })
  domain!: string;

  @Field()
  object!: string;

  @Field()
  action!: string;

  @Field(() => PolicyEffect, { defaultValue: PolicyEffect.allow })
  effect!: PolicyEffect;
}

@ArgsType()
export class PolicyListArgs extends PageArgs {
  @Field(() => String, { nullable: true })
  subject?: string | null;

  @Field(() => String, { nullable: true })
  domain?: string | null;

  @Field(() => String, { nullable: true })
  object?: string | null;
}

@ObjectType('RoleAssignment', { description: 'A role given to a subject in a domain by an administrator' })
export class RoleAssignmentType {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'user:<principal id>, apikey:<key id>, or a role (role inheritance)' })
  subject!: string;

  @Field()
  role!: string;

  @Field()
  domain!: string;
}

@ObjectType('RoleAssignmentConnection')
export class RoleAssignmentConnection extends ConnectionType(RoleAssignmentType) {}

@InputType()
export class RoleAssignmentInput {
  @Field()
  subject!: string;

  @Field()
  role!: string;

  @Field({ defaultValue: '*' })
  domain!: string;
}

@ArgsType()
export class RoleAssignmentListArgs extends PageArgs {
  @Field(() => String, { nullable: true })
  subject?: string | null;

  @Field(() => String, { nullable: true })
  role?: string | null;
}
