import { Field, ID, ObjectType } from '@nestjs/graphql';
import { LineageNodeFields } from './lineage-node.type';
import GraphQLJSON from 'graphql-type-json';
import { ConnectionType } from '../../../common/graphql/pagination';
import { Sensitivity } from './sensitivity.enum';

@ObjectType('DatasetField')
export class DatasetFieldType {
  @Field()
  name!: string;

  @Field(() => String, { nullable: true })
  type!: string | null;

  @Field(() => String, { nullable: true })
  description!: string | null;

  @Field(() => [String], { description: 'e.g. PII, PII:EMAIL_ADDRESS' })
  tags!: string[];
}

@ObjectType('DatasetVersion', { description: 'A schema of the dataset; a new one starts when the schema changes' })
export class DatasetVersionType {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'Event time the schema was first seen' })
  validFrom!: Date;
}

@ObjectType('Dataset')
export class DatasetType extends LineageNodeFields {
  @Field(() => String, { nullable: true })
  sourceName!: string | null;

  @Field(() => String, { nullable: true })
  sourceUri!: string | null;

  @Field(() => [String])
  tags!: string[];

  @Field(() => Sensitivity, { description: 'Set by PII scans (or curation); access rules decide by it' })
  sensitivity!: Sensitivity;

  @Field(() => [DatasetFieldType], { description: 'The fields of `version` (current tags)' })
  fields!: DatasetFieldType[];

  @Field(() => DatasetVersionType, { nullable: true, description: 'The version current at asOf (or now); null without a schema' })
  version!: DatasetVersionType | null;

  @Field(() => GraphQLJSON, { description: 'The latest OpenLineage dataset facets' })
  facets!: Record<string, unknown>;

  @Field()
  createdAt!: Date;

  @Field()
  updatedAt!: Date;
}

@ObjectType('DatasetConnection')
export class DatasetConnection extends ConnectionType(DatasetType) {}
