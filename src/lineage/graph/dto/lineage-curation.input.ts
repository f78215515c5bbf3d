import { Field, InputType } from '@nestjs/graphql';

@InputType()
export class SetDatasetTagsInput {
  @Field()
  namespace!: string;

  @Field()
  name!: string;

  @Field(() => String, { nullable: true, description: 'Tag this field of the dataset instead of the dataset' })
  field?: string | null;

  @Field(() => [String], { description: 'The complete new set of tags (replaces the old one)' })
  tags!: string[];
}

@InputType()
export class SetOwnerInput {
  @Field()
  namespace!: string;

  @Field()
  name!: string;

  @Field(() => String, { nullable: true, description: 'null clears the owner' })
  owner?: string | null;
}

@InputType()
export class SetDomainInput {
  @Field()
  namespace!: string;

  @Field()
  name!: string;

  @Field({ description: 'Needs lineage.manage in the current domain and in this one' })
  domain!: string;
}
