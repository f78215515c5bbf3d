import { Field, Float, Int, ObjectType, registerEnumType } from '@nestjs/graphql';

export enum PiiVerdictEnum {
  CONFIRMED = 'confirmed',
  REJECTED = 'rejected',
}
registerEnumType(PiiVerdictEnum, { name: 'PiiVerdict' });

@ObjectType()
export class PiiVerdictType {
  @Field()
  namespace!: string;

  @Field()
  name!: string;

  @Field()
  column!: string;

  @Field()
  entityType!: string;

  @Field(() => PiiVerdictEnum)
  verdict!: PiiVerdictEnum;

  @Field({ description: 'Principal id (decidedByPerson gives the name)' })
  decidedBy!: string;

  @Field()
  decidedAt!: Date;

  @Field(() => String, { nullable: true })
  note!: string | null;
}

@ObjectType()
export class PiiDetectorPrecisionType {
  @Field()
  entityType!: string;

  @Field(() => Int)
  confirmed!: number;

  @Field(() => Int)
  rejected!: number;

  @Field(() => Float, { description: 'confirmed / (confirmed + rejected)' })
  precision!: number;
}

@ObjectType()
export class TextSpanType {
  @Field()
  type!: string;

  @Field()
  personal!: boolean;

  @Field(() => Int, { description: 'UTF-16 offset of the first character' })
  start!: number;

  @Field(() => Int, { description: 'UTF-16 offset after the last character' })
  end!: number;

  @Field(() => Float)
  score!: number;

  @Field({ description: 'The matched text, masked' })
  masked!: string;
}

@ObjectType()
export class PiiReachType {
  @Field(() => String, { nullable: true, description: 'Asked for a model version: the training or evaluation dataset the field belongs to' })
  dataset?: string | null;

  @Field({ description: 'Field of the asked dataset the personal data reaches' })
  field!: string;

  @Field({ description: 'datasetField:<namespace>:<name>:<field> of the tagged source (a placeholder when restricted)' })
  sourceNodeId!: string;

  @Field({ description: 'The source is in a domain the caller may not read: names hidden' })
  restricted!: boolean;

  @Field(() => [String], { description: 'The PII:<TYPE> tags of the source' })
  tags!: string[];

  @Field(() => Int, { description: 'Column edges between source and field (0: the field itself)' })
  distance!: number;
}
