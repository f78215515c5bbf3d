import { ArgsType, Field, ID, InputType, Int } from '@nestjs/graphql';
import GraphQLJSON from 'graphql-type-json';
import { PageArgs } from '../../common/graphql/pagination';
import { CardFormatEnum, GateConditionEnum } from './model-card.type';
import { CardStatusEnum, DatasetRoleEnum, ModelStageEnum, RiskTierEnum } from './model.type';

@ArgsType()
export class ModelsArgs extends PageArgs {
  @Field(() => String, { nullable: true })
  domain?: string | null;

  @Field(() => RiskTierEnum, { nullable: true })
  riskTier?: RiskTierEnum | null;

  @Field(() => String, { nullable: true, description: 'Principal id or e-mail' })
  owner?: string | null;

  @Field(() => ModelStageEnum, { nullable: true, description: 'Models with a version in this stage' })
  stage?: ModelStageEnum | null;

  @Field(() => CardStatusEnum, { nullable: true, description: 'Models with a version whose card has this review status' })
  reviewStatus?: CardStatusEnum | null;
}

@ArgsType()
export class ModelArgs {
  @Field()
  name!: string;
}

@ArgsType()
export class ModelVersionArgs {
  @Field(() => ID)
  id!: string;
}

@ArgsType()
export class BiasReportsArgs extends PageArgs {
  @Field(() => ID)
  modelVersionId!: string;
}

@ArgsType()
export class ExportModelCardArgs {
  @Field(() => ID)
  modelVersionId!: string;

  @Field(() => CardFormatEnum)
  format!: CardFormatEnum;

  @Field(() => Int, { nullable: true, description: 'Default: the current revision' })
  revision?: number | null;
}

@ArgsType()
export class RevisionArgs {
  @Field(() => Int)
  number!: number;
}

@ArgsType()
export class DiffArgs {
  @Field(() => Int)
  from!: number;

  @Field(() => Int)
  to!: number;
}

@InputType()
export class CreateModelInput {
  @Field({ description: 'Unique; the serving name prediction records carry' })
  name!: string;

  @Field()
  domain!: string;

  @Field(() => RiskTierEnum)
  riskTier!: RiskTierEnum;

  @Field(() => String, { nullable: true, description: 'Principal id or e-mail of someone who has signed in; default: the caller' })
  owner?: string | null;

  @Field(() => String, { nullable: true })
  description?: string | null;
}

@InputType()
export class DatasetLinkInput {
  @Field({ description: 'Lineage node id, dataset:<namespace>:<name>' })
  nodeId!: string;

  @Field(() => DatasetRoleEnum)
  role!: DatasetRoleEnum;
}

@InputType()
export class RegisterModelVersionInput {
  @Field()
  modelName!: string;

  @Field()
  version!: string;

  @Field()
  artifactUri!: string;

  @Field({ description: 'e.g. sha256:<64 hex>' })
  artifactDigest!: string;

  @Field(() => String, { nullable: true })
  framework?: string | null;

  @Field(() => ID, { nullable: true, description: 'OpenLineage run id of the training run (must be known to lineage)' })
  trainingRunId?: string | null;

  @Field(() => [DatasetLinkInput], { defaultValue: [] })
  datasets!: DatasetLinkInput[];
}

@InputType()
export class UpdateModelCardInput {
  @Field(() => ID)
  modelVersionId!: string;

  @Field(() => GraphQLJSON, { description: 'The whole card, Model Card Toolkit JSON (schema 0.0.2)' })
  content!: unknown;
}

@InputType()
export class ImportModelCardInput {
  @Field(() => ID)
  modelVersionId!: string;

  @Field(() => CardFormatEnum)
  format!: CardFormatEnum;

  @Field({ description: 'The JSON document or the README.md text' })
  document!: string;
}

@InputType()
export class ReviewInput {
  @Field(() => ID)
  modelVersionId!: string;

  @Field(() => String, { nullable: true })
  comment?: string | null;
}

@InputType()
export class ApproveModelCardInput {
  @Field(() => ID)
  modelVersionId!: string;

  @Field(() => Int, { description: 'The revision the approver read: approval fails if it is no longer current' })
  revision!: number;

  @Field(() => String, { nullable: true })
  comment?: string | null;
}

/** requestModelCardChanges (what must change) and commentOnModelCard. */
@InputType()
export class RequestChangesInput {
  @Field(() => ID)
  modelVersionId!: string;

  @Field()
  comment!: string;
}

@InputType()
export class GroupResultInput {
  @Field()
  group!: string;

  @Field(() => Int)
  truePositives!: number;

  @Field(() => Int)
  falsePositives!: number;

  @Field(() => Int)
  trueNegatives!: number;

  @Field(() => Int)
  falseNegatives!: number;
}

@InputType()
export class BiasSampleInput {
  @Field()
  group!: string;

  @Field()
  predicted!: boolean;

  @Field()
  actual!: boolean;
}

@InputType({ description: "The version's logged predictions that have ground truth (feedback), read from the prediction audit records" })
export class BiasFromPredictionsInput {
  @Field({ description: 'Dotted path of the protected attribute in the request payload, e.g. applicant.sex' })
  protectedAttributePath!: string;

  @Field({ description: "Dotted path of the outcome in the response payload (and in the feedback's truth when it has the same shape), e.g. data.ndarray.0" })
  outcomePath!: string;

  @Field(() => Date, { nullable: true, description: 'Records first seen at or after this time' })
  from?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Records first seen before this time' })
  to?: Date | null;

  @Field(() => String, { nullable: true, description: 'The outcome value that counts as positive (selected); default "1" (true counts too)' })
  positiveLabel?: string | null;
}

@InputType()
export class ComputeBiasReportInput {
  @Field(() => ID)
  modelVersionId!: string;

  @Field({ description: 'The protected attribute the groups are values of, e.g. sex' })
  protectedAttribute!: string;

  @Field(() => [GroupResultInput], { nullable: true, description: 'Uploaded per-group evaluation results (confusion counts)' })
  groupResults?: GroupResultInput[] | null;

  @Field(() => [BiasSampleInput], { nullable: true, description: 'Per-record labelled predictions' })
  samples?: BiasSampleInput[] | null;

  @Field(() => BiasFromPredictionsInput, { nullable: true, description: "The version's prediction audit records with feedback" })
  fromPredictions?: BiasFromPredictionsInput | null;
}

@InputType()
export class PromoteModelVersionInput {
  @Field(() => ID)
  modelVersionId!: string;

  @Field(() => ModelStageEnum)
  to!: ModelStageEnum;

  @Field(() => String, { nullable: true })
  reason?: string | null;

  @Field(() => ID, { nullable: true, description: 'A live promotion exception of this version, to waive the conditions it names' })
  exceptionId?: string | null;
}

@InputType()
export class GrantPromotionExceptionInput {
  @Field(() => ID)
  modelVersionId!: string;

  @Field({ description: 'A name people will recognise, e.g. EXC-2026-014 fraud-model hotfix' })
  name!: string;

  @Field()
  reason!: string;

  @Field(() => [GateConditionEnum])
  waives!: GateConditionEnum[];

  @Field()
  expiresAt!: Date;
}
