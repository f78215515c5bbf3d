import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import GraphQLJSON from 'graphql-type-json';
import { PersonType } from '../../auth/person.type';
import { ConnectionType } from '../../common/graphql/pagination';

export enum AccessActionEnum {
  READ = 'read',
  READ_MASKED = 'read_masked',
  EXPORT = 'export',
}
registerEnumType(AccessActionEnum, { name: 'AccessAction', description: 'A grant of a stronger action covers the weaker: EXPORT ⊃ READ ⊃ READ_MASKED' });

export enum AccessRequestStatusEnum {
  APPROVED = 'approved',
  DENIED = 'denied',
  ESCALATED = 'escalated',
}
registerEnumType(AccessRequestStatusEnum, { name: 'AccessRequestStatus', description: 'ESCALATED: waiting for people (see stage)' });

export enum AccessReviewStageEnum {
  OWNER = 'owner',
  RISK_OFFICER = 'risk_officer',
}
registerEnumType(AccessReviewStageEnum, {
  name: 'AccessReviewStage',
  description: "Whose inbox an escalated request is in: the dataset owner's, then (after the time limit) the domain risk officer's",
});

export enum AccessGrantEndEnum {
  REVOKED = 'revoked',
  EXPIRED = 'expired',
}
registerEnumType(AccessGrantEndEnum, { name: 'AccessGrantEnd' });

export enum WebhookDeliveryStatusEnum {
  PENDING = 'pending',
  DELIVERED = 'delivered',
  DEAD = 'dead',
}
registerEnumType(WebhookDeliveryStatusEnum, { name: 'WebhookDeliveryStatus', description: 'DEAD: every attempt failed; retry it with retryAccessWebhook' });

@ObjectType({ description: 'A lineage dataset as access decisions see it' })
export class AccessDatasetType {
  @Field(() => ID)
  id!: string;

  @Field()
  namespace!: string;

  @Field()
  name!: string;

  @Field()
  domain!: string;

  @Field(() => String, { nullable: true })
  owner!: string | null;

  @Field()
  sensitivity!: string;

  @Field(() => [String], { description: 'Dataset and field tags, e.g. PII:US_SSN' })
  tags!: string[];
}

@ObjectType()
export class AccessApprovalType {
  @Field(() => PersonType)
  approver!: PersonType;

  @Field({ description: 'approve or deny' })
  decision!: string;

  @Field({ description: 'owner or risk_officer' })
  authority!: string;

  @Field(() => String, { nullable: true })
  reason!: string | null;

  @Field(() => Int, { nullable: true, description: 'Days this approver granted when fewer than were asked; null for the requested duration' })
  durationDays!: number | null;

  @Field()
  decidedAt!: Date;
}

@ObjectType()
export class AccessRequestType {
  @Field(() => ID)
  id!: string;

  @Field(() => PersonType)
  requester!: PersonType;

  @Field(() => AccessDatasetType)
  dataset!: AccessDatasetType;

  @Field(() => [String], { description: 'Requested fields; empty means the whole dataset' })
  fields!: string[];

  @Field(() => AccessActionEnum)
  action!: AccessActionEnum;

  @Field()
  purpose!: string;

  @Field()
  justification!: string;

  @Field(() => Int, { description: 'Requested duration; for automatic approvals, the granted one (capped by the rule)' })
  durationDays!: number;

  @Field(() => AccessRequestStatusEnum)
  status!: AccessRequestStatusEnum;

  @Field(() => AccessReviewStageEnum, { nullable: true })
  stage!: AccessReviewStageEnum | null;

  @Field(() => Int, { description: 'Distinct approvers needed: 2 for restricted data' })
  requiredApprovals!: number;

  @Field()
  decidedAutomatically!: boolean;

  @Field(() => String, { nullable: true, description: 'The rule that decided (or escalated); null when no rule matched' })
  ruleId!: string | null;

  @Field(() => String, { nullable: true })
  ruleFile!: string | null;

  @Field(() => String, { nullable: true, description: 'Why: shown to the requester' })
  reason!: string | null;

  @Field(() => GraphQLJSON, { description: 'The facts the rules saw: requester, dataset and request' })
  facts!: Record<string, unknown>;

  @Field(() => [AccessApprovalType])
  approvals!: AccessApprovalType[];

  @Field(() => String, { nullable: true })
  grantId!: string | null;

  @Field()
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  escalatedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  decidedAt!: Date | null;
}

@ObjectType()
export class AccessGrantType {
  @Field(() => ID)
  id!: string;

  @Field(() => PersonType)
  person!: PersonType;

  @Field(() => AccessDatasetType)
  dataset!: AccessDatasetType;

  @Field(() => AccessActionEnum)
  action!: AccessActionEnum;

  @Field(() => [String])
  fields!: string[];

  @Field()
  grantedAt!: Date;

  @Field()
  expiresAt!: Date;

  @Field(() => Date, { nullable: true })
  endedAt!: Date | null;

  @Field(() => AccessGrantEndEnum, { nullable: true })
  endReason!: AccessGrantEndEnum | null;

  @Field(() => PersonType, { nullable: true })
  endedBy!: PersonType | null;

  @Field(() => String, { nullable: true })
  endNote!: string | null;

  @Field({ description: 'Valid now: not ended and not past its expiry' })
  active!: boolean;

  @Field({ description: 'rule:<id> for automatic approvals, or the approvers' })
  grantedBy!: string;

  @Field(() => AccessRequestType, { description: 'The request (and its approvals) behind the grant' })
  request!: AccessRequestType;
}

@ObjectType({ description: 'Outcome of requestDatasetAccess: the stored decision, and the grant when approved' })
export class AccessDecisionType {
  @Field(() => AccessRequestType)
  request!: AccessRequestType;

  @Field(() => AccessGrantType, { nullable: true })
  grant!: AccessGrantType | null;
}

@ObjectType({ description: 'person → grants → the requests and approvals behind them → datasets' })
export class AccessChainType {
  @Field(() => PersonType)
  person!: PersonType;

  @Field(() => [AccessGrantType], { description: 'Every grant the person ever held, newest first (active, expired and revoked)' })
  grants!: AccessGrantType[];
}

@ObjectType()
export class AccessRuleType {
  @Field()
  id!: string;

  @Field()
  file!: string;

  @Field()
  outcome!: string;

  @Field(() => String, { nullable: true })
  description!: string | null;

  @Field(() => Int, { nullable: true })
  maxDurationDays!: number | null;

  @Field(() => String, { nullable: true })
  reason!: string | null;

  @Field(() => GraphQLJSON)
  when!: Record<string, unknown>;
}

@ObjectType()
export class AccessPurposeType {
  @Field()
  id!: string;

  @Field()
  description!: string;
}

@ObjectType()
export class AccessAttestationType {
  @Field()
  principalId!: string;

  @Field()
  kind!: string;

  @Field(() => Date, { nullable: true })
  expiresAt!: Date | null;
}

@ObjectType()
export class AccessViolationType {
  @Field(() => ID)
  id!: string;

  @Field()
  principalId!: string;

  @Field()
  openedAt!: Date;
}

@ObjectType()
export class WebhookDeliveryType {
  @Field(() => ID)
  id!: string;

  @Field()
  event!: string;

  @Field()
  grantId!: string;

  @Field()
  targetUrl!: string;

  @Field(() => WebhookDeliveryStatusEnum)
  status!: WebhookDeliveryStatusEnum;

  @Field(() => Int)
  attempts!: number;

  @Field()
  nextAttemptAt!: Date;

  @Field(() => String, { nullable: true })
  lastError!: string | null;

  @Field()
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  deliveredAt!: Date | null;
}

@ObjectType()
export class AccessRequestConnection extends ConnectionType(AccessRequestType) {}

@ObjectType()
export class AccessGrantConnection extends ConnectionType(AccessGrantType) {}

@ObjectType()
export class WebhookDeliveryConnection extends ConnectionType(WebhookDeliveryType) {}
