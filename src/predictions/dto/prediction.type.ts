import { ArgsType, Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import GraphQLJSON from 'graphql-type-json';
import { ConnectionType, PageArgs } from '../../common/graphql/pagination';

export enum PairStatusEnum {
  PAIRED = 'PAIRED',
  PENDING = 'PENDING',
  UNMATCHED = 'UNMATCHED',
}
registerEnumType(PairStatusEnum, {
  name: 'PredictionPairStatus',
  description: 'PAIRED: request and response stored; PENDING: one half, within the pairing timeout; UNMATCHED: one half, past it',
});

export enum StatsBucketEnum {
  HOUR = 'hour',
  DAY = 'day',
}
registerEnumType(StatsBucketEnum, { name: 'PredictionStatsBucket' });

@ObjectType('PredictionHalf', { description: 'One CloudEvent (request or response) as stored, with its place in the model chain' })
export class PredictionHalfType {
  @Field() kind!: string;
  @Field(() => Float) seq!: number;
  @Field() eventId!: string;
  @Field() eventType!: string;
  @Field() source!: string;
  @Field() modelVersion!: string;
  @Field() occurredAt!: Date;
  @Field() receivedAt!: Date;
  @Field(() => GraphQLJSON) attributes!: Record<string, string>;
  @Field(() => String, { nullable: true }) contentType!: string | null;
  @Field(() => GraphQLJSON, { nullable: true, description: 'Only with includePayloads (permission predictions.readPayload; audited)' })
  payload!: unknown;
  @Field() sender!: string;
  @Field() prevHash!: string;
  @Field() recordHash!: string;
}

@ObjectType('PredictionFeedback')
export class PredictionFeedbackType {
  @Field(() => ID) id!: string;
  @Field(() => GraphQLJSON, { nullable: true }) truth!: unknown;
  @Field(() => Float, { nullable: true }) reward!: number | null;
  @Field() sender!: string;
  @Field() receivedAt!: Date;
}

@ObjectType('Prediction', { description: 'A logged prediction: request and response paired by request id' })
export class PredictionType {
  @Field() requestId!: string;
  @Field() modelName!: string;
  @Field() modelVersion!: string;
  @Field(() => PairStatusEnum) status!: PairStatusEnum;
  @Field({ description: 'When the first half arrived' }) firstAt!: Date;
  @Field(() => Float, { nullable: true, description: 'response ce-time minus request ce-time' }) latencyMs!: number | null;
  @Field(() => PredictionHalfType, { nullable: true }) request!: PredictionHalfType | null;
  @Field(() => PredictionHalfType, { nullable: true }) response!: PredictionHalfType | null;
  @Field(() => [PredictionFeedbackType]) feedback!: PredictionFeedbackType[];
}

@ObjectType()
export class PredictionConnection extends ConnectionType(PredictionType) {}

@ArgsType()
export class PredictionArgs {
  @Field() requestId!: string;
  @Field(() => String, { nullable: true, description: 'Needed only when the id is logged for several models' }) model?: string | null;
  @Field({ defaultValue: false }) includePayloads!: boolean;
}

@InputType()
export class PredictionFilter {
  @Field(() => PairStatusEnum, { nullable: true }) status?: PairStatusEnum | null;
}

@ArgsType()
export class PredictionsArgs extends PageArgs {
  @Field() model!: string;
  @Field(() => String, { nullable: true }) version?: string | null;
  @Field(() => Date, { nullable: true, description: 'First half received at or after' }) from?: Date | null;
  @Field(() => Date, { nullable: true, description: 'First half received before' }) to?: Date | null;
  @Field(() => PredictionFilter, { nullable: true }) filter?: PredictionFilter | null;
  @Field({ defaultValue: false }) includePayloads!: boolean;
}

@ArgsType()
export class PredictionsForSubjectArgs extends PageArgs {
  @Field() model!: string;
  @Field({ description: 'The raw subject id (e.g. customer id); only its keyed hash is compared' }) subjectId!: string;
  @Field({ defaultValue: false }) includePayloads!: boolean;
}

@ArgsType()
export class VerifyPredictionChainArgs {
  @Field() model!: string;
  @Field(() => Date, { nullable: true }) from?: Date | null;
  @Field(() => Date, { nullable: true }) to?: Date | null;
}

@ObjectType('PredictionChainVerification')
export class PredictionChainVerificationType {
  @Field() valid!: boolean;
  @Field(() => Int) checkedCount!: number;
  @Field(() => Float, { nullable: true }) firstBrokenSeq!: number | null;
  @Field(() => String, { nullable: true }) problem!: string | null;
}

@ArgsType()
export class PredictionStatsArgs {
  @Field() model!: string;
  @Field(() => String, { nullable: true }) version?: string | null;
  @Field() from!: Date;
  @Field() to!: Date;
  @Field(() => StatsBucketEnum, { defaultValue: StatsBucketEnum.HOUR }) bucket!: StatsBucketEnum;
  @Field(() => String, { nullable: true, description: 'Dotted path in the response payload whose values are counted, e.g. predictions.0' })
  outputField?: string | null;
}

@ObjectType('PredictionStatsBucketRow')
export class PredictionStatsBucketType {
  @Field() start!: Date;
  @Field(() => Int) count!: number;
  @Field(() => Float, { description: 'Records missing a half past the pairing timeout (KServe logs only 200 responses) / count' }) errorRate!: number;
  @Field(() => Float, { nullable: true }) latencyP50Ms!: number | null;
  @Field(() => Float, { nullable: true }) latencyP95Ms!: number | null;
  @Field(() => Float, { nullable: true }) latencyP99Ms!: number | null;
}

@ObjectType('PredictionOutputCount')
export class PredictionOutputCountType {
  @Field(() => String, { nullable: true }) value!: string | null;
  @Field(() => Int) count!: number;
}

@ObjectType('PredictionStats')
export class PredictionStatsType {
  @Field(() => [PredictionStatsBucketType]) buckets!: PredictionStatsBucketType[];
  @Field(() => [PredictionOutputCountType]) outputs!: PredictionOutputCountType[];
}

@ObjectType('PredictionVolumeAlert', { description: 'A model whose records over the last hour fell below its minHourlyVolume' })
export class PredictionVolumeAlertType {
  @Field() modelName!: string;
  @Field(() => Int) threshold!: number;
  @Field(() => Int) lastHourCount!: number;
  @Field(() => Date, { nullable: true, description: 'When the alert rule first saw the drop (it checks every five minutes)' }) since!: Date | null;
}

@ObjectType('PredictionVolumeDay', { description: 'Prediction records that first arrived on one UTC day' })
export class PredictionVolumeDayType {
  @Field({ description: 'Midnight UTC starting the day' }) day!: Date;
  @Field(() => Int) count!: number;
}

@ArgsType()
export class PredictionVolumeArgs {
  @Field(() => Int, { defaultValue: 14, description: 'How many UTC days, today included: 1..90' }) days!: number;
}

@ObjectType('PredictionCheckpoint')
export class PredictionCheckpointType {
  @Field() modelName!: string;
  @Field(() => Float) seq!: number;
}

@ObjectType('PredictionRetentionResult')
export class PredictionRetentionResultType {
  @Field(() => [String]) droppedPartitions!: string[];
  @Field(() => [PredictionCheckpointType]) checkpoints!: PredictionCheckpointType[];
}

@ObjectType('PredictionSettings')
export class PredictionSettingsType {
  @Field() modelName!: string;
  @Field(() => [String]) redactFields!: string[];
  @Field(() => [String]) pseudonymiseFields!: string[];
  @Field(() => [String]) scanTextFields!: string[];
  @Field(() => String, { nullable: true }) subjectField!: string | null;
  @Field(() => Int, { nullable: true }) retentionDays!: number | null;
  @Field(() => Int, { nullable: true }) minHourlyVolume!: number | null;
  @Field() updatedBy!: string;
  @Field() updatedAt!: Date;
}

@InputType()
export class SetPredictionSettingsInput {
  @Field() modelName!: string;
  @Field(() => [String], { nullable: true, description: 'Payload fields replaced by [REDACTED] before storage' }) redactFields?: string[] | null;
  @Field(() => [String], { nullable: true, description: 'Payload fields replaced by a keyed HMAC (equal values still match)' })
  pseudonymiseFields?: string[] | null;
  @Field(() => [String], { nullable: true, description: 'Free-text fields scanned by the PII text detector; personal data found is pseudonymised' })
  scanTextFields?: string[] | null;
  @Field(() => String, { nullable: true, description: 'Payload field holding the data subject id, stored as a keyed hash' }) subjectField?: string | null;
  @Field(() => Int, { nullable: true }) retentionDays?: number | null;
  @Field(() => Int, { nullable: true }) minHourlyVolume?: number | null;
}

@InputType()
export class AddPredictionFeedbackInput {
  @Field() requestId!: string;
  @Field(() => String, { nullable: true }) model?: string | null;
  @Field(() => GraphQLJSON, { nullable: true }) truth?: unknown;
  @Field(() => Float, { nullable: true }) reward?: number | null;
}
