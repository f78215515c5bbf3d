import { ArgsType, Field, registerEnumType } from '@nestjs/graphql';
import { PageArgs } from '../../../common/graphql/pagination';
import { Sensitivity } from './sensitivity.enum';

export enum DatasetSort {
  NAME = 'NAME',
  UPDATED_AT = 'UPDATED_AT',
}
registerEnumType(DatasetSort, { name: 'DatasetSort', description: 'NAME: by namespace then name; UPDATED_AT: most recently changed first' });

@ArgsType()
export class DatasetsArgs extends PageArgs {
  @Field(() => String, { nullable: true, description: 'Exact namespace' })
  namespace?: string | null;

  @Field(() => String, { nullable: true, description: 'Name starts with this (case-sensitive)' })
  namePrefix?: string | null;

  @Field(() => String, { nullable: true, description: 'A tag of the dataset or of one of its fields' })
  tag?: string | null;

  @Field(() => String, { nullable: true })
  owner?: string | null;

  @Field(() => String, { nullable: true })
  domain?: string | null;

  @Field(() => Sensitivity, { nullable: true })
  sensitivity?: Sensitivity | null;

  @Field(() => DatasetSort, { defaultValue: DatasetSort.NAME })
  sort: DatasetSort = DatasetSort.NAME;
}

@ArgsType()
export class NodeNameArgs {
  @Field()
  namespace!: string;

  @Field()
  name!: string;

  @Field(() => Date, { nullable: true, description: 'The version current then' })
  asOf?: Date | null;
}
