import { Field, ID, ObjectType } from '@nestjs/graphql';

/** What datasets and jobs share as lineage nodes. */
@ObjectType({ isAbstract: true })
export abstract class LineageNodeFields {
  @Field(() => ID, { description: '<type>:<namespace>:<name>, e.g. dataset:postgres://db:5432:public.orders' })
  nodeId!: string;

  @Field()
  namespace!: string;

  @Field()
  name!: string;

  @Field()
  domain!: string;

  @Field(() => String, { nullable: true })
  owner!: string | null;

  @Field(() => String, { nullable: true })
  description!: string | null;
}
