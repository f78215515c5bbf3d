import { ArgsType, Field, ID, InputType, Int } from '@nestjs/graphql';
import { PageArgs } from '../../common/graphql/pagination';
import { AccessActionEnum, AccessRequestStatusEnum, AccessReviewStageEnum, WebhookDeliveryStatusEnum } from './access.type';

@InputType({ description: 'The dataset by id, or by namespace and name' })
export class RequestDatasetAccessInput {
  @Field(() => ID, { nullable: true })
  datasetId?: string | null;

  @Field(() => String, { nullable: true })
  namespace?: string | null;

  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => [String], { nullable: true, description: 'Only these fields; omit for the whole dataset' })
  fields?: string[] | null;

  @Field(() => AccessActionEnum)
  action!: AccessActionEnum;

  @Field({ description: 'An id from accessPurposes (policies/access-purposes.yaml)' })
  purpose!: string;

  @Field(() => String, { nullable: true, description: 'Free text for reviewers' })
  justification?: string | null;

  @Field(() => Int, { description: '1..365; rules may grant less' })
  durationDays!: number;
}

@InputType()
export class ApproveAccessRequestInput {
  @Field(() => ID)
  requestId!: string;

  @Field(() => String, { nullable: true })
  note?: string | null;

  @Field(() => Int, { nullable: true, description: 'Approve for fewer days than were asked (1 to the requested duration)' })
  durationDays?: number | null;
}

@InputType()
export class DenyAccessRequestInput {
  @Field(() => ID)
  requestId!: string;

  @Field({ description: 'Shown to the requester' })
  reason!: string;
}

@InputType()
export class RevokeAccessGrantInput {
  @Field(() => ID)
  grantId!: string;

  @Field()
  reason!: string;
}

@InputType()
export class SetAccessAttestationInput {
  @Field({ description: 'Principal id or e-mail' })
  principal!: string;

  @Field({ description: 'e.g. privacy-training' })
  kind!: string;

  @Field(() => Date, { nullable: true, description: 'Omit for no expiry' })
  expiresAt?: Date | null;
}

@InputType()
export class OpenAccessViolationInput {
  @Field({ description: 'Principal id or e-mail' })
  principal!: string;

  @Field()
  description!: string;
}

@ArgsType()
export class MyAccessRequestsArgs extends PageArgs {
  @Field(() => AccessRequestStatusEnum, { nullable: true })
  status?: AccessRequestStatusEnum | null;
}

@ArgsType()
export class AccessRequestsArgs extends PageArgs {
  @Field(() => AccessRequestStatusEnum, { nullable: true })
  status?: AccessRequestStatusEnum | null;

  @Field(() => AccessReviewStageEnum, { nullable: true })
  stage?: AccessReviewStageEnum | null;

  @Field(() => ID, { nullable: true })
  datasetId?: string | null;

  @Field({ defaultValue: false, description: 'Only requests the caller has not decided yet (with two approvers, the first one is done after approving)' })
  awaitingMe!: boolean;
}

@ArgsType()
export class AccessGrantsArgs extends PageArgs {
  @Field(() => String, { nullable: true, description: 'Principal id or e-mail' })
  principal?: string | null;

  @Field(() => ID, { nullable: true })
  datasetId?: string | null;

  @Field({ defaultValue: false })
  activeOnly!: boolean;
}

@ArgsType()
export class AccessChainArgs {
  @Field({ description: 'Principal id or e-mail' })
  principal!: string;
}

@ArgsType()
export class DatasetAccessAtArgs {
  @Field(() => ID, { nullable: true })
  datasetId?: string | null;

  @Field(() => String, { nullable: true })
  namespace?: string | null;

  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field({ description: 'The moment asked about' })
  at!: Date;
}

@ArgsType()
export class WebhookDeliveriesArgs extends PageArgs {
  @Field(() => WebhookDeliveryStatusEnum, { nullable: true })
  status?: WebhookDeliveryStatusEnum | null;
}
