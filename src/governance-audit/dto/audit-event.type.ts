import { ArgsType, Field, ID, Int, ObjectType } from '@nestjs/graphql';
import GraphQLJSON from 'graphql-type-json';
import { ConnectionType, PageArgs } from '../../common/graphql/pagination';

@ObjectType('AuditEvent', { description: 'One row of the hash-chained governance audit log' })
export class AuditEventType {
  @Field(() => ID, { description: 'Sequence number in the chain' })
  seq!: string;

  @Field()
  occurredAt!: Date;

  @Field(() => String, { nullable: true, description: 'Principal id; null for anonymous callers' })
  actorId!: string | null;

  @Field(() => String, { nullable: true })
  actorLabel!: string | null;

  @Field({ description: 'e.g. authn.reject, authz.check, apiKey.create, policy.add' })
  action!: string;

  @Field(() => String, { nullable: true })
  target!: string | null;

  @Field({ description: 'allow, deny or error' })
  decision!: string;

  @Field(() => String, { nullable: true })
  reason!: string | null;

  @Field(() => String, { nullable: true })
  requestId!: string | null;

  @Field(() => GraphQLJSON)
  details!: Record<string, unknown>;

  @Field()
  hash!: string;

  @Field()
  prevHash!: string;
}

@ObjectType('AuditEventConnection')
export class AuditEventConnection extends ConnectionType(AuditEventType) {}

@ArgsType()
export class AuditEventsArgs extends PageArgs {
  @Field(() => String, { nullable: true })
  actorId?: string | null;

  @Field(() => String, { nullable: true })
  action?: string | null;

  @Field(() => String, { nullable: true, description: 'allow, deny or error' })
  decision?: string | null;

  @Field(() => String, { nullable: true })
  target?: string | null;

  @Field(() => Date, { nullable: true, description: 'inclusive' })
  from?: Date | null;

  @Field(() => Date, { nullable: true, description: 'exclusive' })
  to?: Date | null;
}

@ObjectType('AuditChainVerification')
export class AuditChainVerificationType {
  @Field()
  valid!: boolean;

  @Field(() => Int)
  checkedCount!: number;

  @Field(() => ID, { nullable: true, description: 'The first row whose hash or link does not verify' })
  firstBrokenSeq!: string | null;

  @Field(() => String, { nullable: true })
  problem!: string | null;
}
