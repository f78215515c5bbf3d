import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import GraphQLJSON from 'graphql-type-json';
import { CardStatusEnum } from './model.type';

export enum CardFormatEnum {
  MODEL_CARD_TOOLKIT = 'mct',
  HUGGING_FACE = 'hugging_face',
}
registerEnumType(CardFormatEnum, { name: 'ModelCardFormat', description: 'Model Card Toolkit JSON (schema 0.0.2) or a Hugging Face README.md' });

export enum GateConditionEnum {
  CARD_APPROVAL = 'card_approval',
  BIAS_REPORT = 'bias_report',
}
registerEnumType(GateConditionEnum, { name: 'PromotionGateCondition' });

@ObjectType('PromotionException')
export class PromotionExceptionType {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field()
  reason!: string;

  @Field(() => [GateConditionEnum])
  waives!: GateConditionEnum[];

  @Field({ description: 'Principal id of the risk officer who granted it' })
  grantedBy!: string;

  @Field()
  grantedAt!: Date;

  @Field()
  expiresAt!: Date;

  @Field()
  active!: boolean;
}

@ObjectType('ProductionGateFailure')
export class GateFailureType {
  @Field({ description: 'card_approval, bias_report or production_allowed (the last cannot be waived)' })
  condition!: string;

  @Field()
  message!: string;

  @Field(() => PromotionExceptionType, { nullable: true, description: 'The live exception that waives this failure, if one does' })
  waivedBy!: PromotionExceptionType | null;
}

@ObjectType('ProductionGateCheck')
export class ProductionGateCheckType {
  @Field({ description: 'Every failure is waived by a live exception (or there is none)' })
  passes!: boolean;

  @Field()
  checkedAt!: Date;

  @Field(() => [GateFailureType])
  failures!: GateFailureType[];
}

@ObjectType('ModelCardRevision')
export class CardRevisionType {
  @Field(() => Int)
  revision!: number;

  @Field({ description: 'SHA-256 of the canonical (RFC 8785) JSON of the content: what approvals sign' })
  contentSha256!: string;

  @Field({ description: 'Principal id' })
  author!: string;

  @Field({ description: 'registry, edit, import_mct or import_hugging_face' })
  source!: string;

  @Field()
  createdAt!: Date;

  @Field(() => GraphQLJSON, { nullable: true, description: 'Only on modelCard.revision(number:)' })
  content!: unknown;
}

@ObjectType('ModelCardFieldChange')
export class CardFieldChangeType {
  @Field({ description: 'JSON pointer' })
  path!: string;

  @Field({ description: 'added, removed or changed' })
  op!: string;

  @Field(() => GraphQLJSON, { nullable: true })
  before!: unknown;

  @Field(() => GraphQLJSON, { nullable: true })
  after!: unknown;
}

@ObjectType('ModelCardReview')
export class CardReviewType {
  @Field({ description: 'submit, approve, request_changes' })
  action!: string;

  @Field(() => Int)
  revision!: number;

  @Field({ description: 'Principal id' })
  actor!: string;

  @Field(() => String, { nullable: true })
  comment!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Approvals: Ed25519 signature (base64) over the canonical JSON of {cardId, revision, contentSha256, approver, signedAt}',
  })
  signature!: string | null;

  @Field(() => String, { nullable: true })
  keyId!: string | null;

  @Field(() => Date, { nullable: true })
  signedAt!: Date | null;

  @Field(() => Boolean, { nullable: true, description: "Approvals: whether the signature verifies against the revision's hash now" })
  signatureValid!: boolean | null;

  @Field()
  createdAt!: Date;
}

@ObjectType('ModelCard')
export class ModelCardType {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  modelVersionId!: string;

  @Field()
  modelName!: string;

  @Field()
  version!: string;

  @Field(() => CardStatusEnum)
  status!: CardStatusEnum;

  @Field(() => Int)
  currentRevision!: number;

  @Field()
  contentSha256!: string;

  @Field(() => GraphQLJSON, { description: 'The current revision, Model Card Toolkit JSON' })
  content!: unknown;

  @Field(() => Int, { description: 'Distinct approvals of the current revision' })
  approvals!: number;

  @Field(() => Int, { description: "Approvals the model's risk tier needs (policies/model-review.yaml)" })
  requiredApprovals!: number;

  @Field(() => [CardRevisionType], { description: 'Newest first, without content' })
  revisions!: CardRevisionType[];

  @Field(() => [CardReviewType], { description: 'The review trail, oldest first' })
  reviews!: CardReviewType[];

  @Field(() => [PromotionExceptionType], { description: 'Promotion exceptions of this version, live and expired' })
  exceptions!: PromotionExceptionType[];
}

@ObjectType('ModelCardSigningKey')
export class SigningKeyType {
  @Field()
  keyId!: string;

  @Field({ description: 'Ed25519 public key, SPKI PEM' })
  publicKeyPem!: string;
}
