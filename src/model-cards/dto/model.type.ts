import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ConnectionType } from '../../common/graphql/pagination';

export enum RiskTierEnum {
  MINIMAL = 'minimal',
  LIMITED = 'limited',
  HIGH = 'high',
  UNACCEPTABLE = 'unacceptable',
}
registerEnumType(RiskTierEnum, { name: 'RiskTier', description: 'EU AI Act risk tiers' });

export enum ModelStageEnum {
  DEVELOPMENT = 'development',
  STAGING = 'staging',
  PRODUCTION = 'production',
  RETIRED = 'retired',
}
registerEnumType(ModelStageEnum, { name: 'ModelStage' });

export enum CardStatusEnum {
  DRAFT = 'draft',
  IN_REVIEW = 'in_review',
  APPROVED = 'approved',
  CHANGES_REQUESTED = 'changes_requested',
}
registerEnumType(CardStatusEnum, { name: 'ModelCardStatus' });

export enum DatasetRoleEnum {
  TRAINING = 'training',
  EVALUATION = 'evaluation',
}
registerEnumType(DatasetRoleEnum, { name: 'ModelDatasetRole' });

@ObjectType('ModelVersionDataset')
export class ModelVersionDatasetType {
  @Field(() => ID)
  datasetId!: string;

  @Field({ description: 'Lineage node id, dataset:<namespace>:<name>' })
  nodeId!: string;

  @Field(() => DatasetRoleEnum)
  role!: DatasetRoleEnum;
}

@ObjectType('ModelStageChange')
export class StageChangeType {
  @Field(() => ModelStageEnum, { nullable: true, description: 'Null for the registration' })
  from!: ModelStageEnum | null;

  @Field(() => ModelStageEnum)
  to!: ModelStageEnum;

  @Field({ description: 'Principal id' })
  changedBy!: string;

  @Field()
  changedAt!: Date;

  @Field(() => String, { nullable: true })
  reason!: string | null;

  @Field(() => ID, { nullable: true, description: 'The promotion exception that allowed the move, if one did' })
  exceptionId!: string | null;
}

@ObjectType('ModelVersion')
export class ModelVersionType {
  @Field(() => ID)
  id!: string;

  @Field()
  modelName!: string;

  @Field()
  version!: string;

  @Field()
  artifactUri!: string;

  @Field()
  artifactDigest!: string;

  @Field(() => String, { nullable: true })
  framework!: string | null;

  @Field(() => ID, { nullable: true, description: 'OpenLineage run id of the training run' })
  trainingRunId!: string | null;

  @Field(() => ModelStageEnum)
  stage!: ModelStageEnum;

  @Field(() => CardStatusEnum, { description: "Review status of the version's model card" })
  cardStatus!: CardStatusEnum;

  @Field(() => Int)
  cardRevision!: number;

  @Field(() => [ModelVersionDatasetType])
  datasets!: ModelVersionDatasetType[];

  @Field(() => [StageChangeType], { description: 'Every stage change, oldest first' })
  stageHistory!: StageChangeType[];

  @Field()
  registeredBy!: string;

  @Field()
  createdAt!: Date;
}

@ObjectType('Model')
export class ModelType {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'Unique; also the serving name that prediction records carry as model_name' })
  name!: string;

  @Field()
  domain!: string;

  @Field({ description: 'Principal id of the accountable owner' })
  owner!: string;

  @Field(() => RiskTierEnum)
  riskTier!: RiskTierEnum;

  @Field(() => String, { nullable: true })
  description!: string | null;

  @Field(() => [ModelVersionType], { description: 'Newest first' })
  versions!: ModelVersionType[];

  @Field()
  createdAt!: Date;
}

@ObjectType('ModelConnection')
export class ModelConnection extends ConnectionType(ModelType) {}
