import { Field, ID, ObjectType } from '@nestjs/graphql';
import GraphQLJSON from 'graphql-type-json';
import { LineageNodeType } from './lineage-graph.type';

@ObjectType('RunDataset', { description: 'A dataset a run read or wrote, at the version it saw' })
export class RunDatasetType {
  @Field(() => LineageNodeType)
  dataset!: LineageNodeType;

  @Field(() => ID, { nullable: true })
  versionId!: string | null;
}

@ObjectType('Run')
export class RunType {
  @Field(() => ID, { description: 'The OpenLineage runId' })
  id!: string;

  @Field(() => LineageNodeType)
  job!: LineageNodeType;

  @Field({ description: 'START, RUNNING, COMPLETE, ABORT, FAIL or OTHER' })
  state!: string;

  @Field(() => Date, { nullable: true })
  startedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  endedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  nominalStartTime!: Date | null;

  @Field(() => Date, { nullable: true })
  nominalEndTime!: Date | null;

  @Field(() => ID, { nullable: true })
  parentRunId!: string | null;

  @Field(() => String, { nullable: true })
  errorMessage!: string | null;

  @Field(() => GraphQLJSON)
  facets!: Record<string, unknown>;

  @Field(() => [RunDatasetType])
  inputs!: RunDatasetType[];

  @Field(() => [RunDatasetType])
  outputs!: RunDatasetType[];
}
