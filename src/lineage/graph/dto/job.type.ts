import { Field, ID, ObjectType } from '@nestjs/graphql';
import { LineageNodeFields } from './lineage-node.type';
import GraphQLJSON from 'graphql-type-json';

@ObjectType('JobVersion', { description: 'A version of the job: its code, SQL and declared inputs and outputs' })
export class JobVersionType {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'Event time the version was first seen' })
  validFrom!: Date;
}

@ObjectType('Job')
export class JobType extends LineageNodeFields {
  @Field(() => String, { nullable: true, description: 'The jobType facet: QUERY, COMMAND, DAG, TASK, JOB, MODEL...' })
  jobType!: string | null;

  @Field(() => String, { nullable: true, description: 'BATCH or STREAMING (jobType facet)' })
  processingType!: string | null;

  @Field(() => String, { nullable: true, description: 'sourceCodeLocation facet url' })
  location!: string | null;

  @Field(() => JobVersionType, { nullable: true, description: 'The version current at asOf (or now)' })
  version!: JobVersionType | null;

  @Field(() => GraphQLJSON)
  facets!: Record<string, unknown>;

  @Field()
  createdAt!: Date;

  @Field()
  updatedAt!: Date;

  /** For the latestRun field resolver; not part of the schema. */
  jobId!: string;
}
