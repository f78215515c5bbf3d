import { ArgsType, Field, ID, InputType } from '@nestjs/graphql';
import { PageArgs } from '../../../common/graphql/pagination';
import { PiiVerdictEnum } from './pii-review.type';

@ArgsType()
export class PiiScanArgs {
  @Field(() => ID)
  id!: string;
}

@ArgsType()
export class PiiDatasetArgs {
  @Field()
  namespace!: string;

  @Field()
  name!: string;
}

@ArgsType()
export class PiiScansArgs extends PageArgs {
  @Field()
  namespace!: string;

  @Field()
  name!: string;
}

@ArgsType()
export class ScanTextArgs {
  @Field()
  text!: string;
}

@ArgsType()
export class PiiReachArgs {
  @Field(() => String, { nullable: true, description: 'dataset:<namespace>:<name>' })
  nodeId?: string | null;

  @Field(() => ID, { nullable: true, description: 'A model version: the reach of every dataset it was trained or evaluated on' })
  modelVersionId?: string | null;
}

@InputType()
export class SetPiiVerdictInput {
  @Field()
  namespace!: string;

  @Field()
  name!: string;

  @Field({ description: 'Field name in lineage' })
  column!: string;

  @Field({ description: 'A personal-data type, e.g. EMAIL_ADDRESS' })
  entityType!: string;

  @Field(() => PiiVerdictEnum)
  verdict!: PiiVerdictEnum;

  @Field(() => String, { nullable: true })
  note?: string | null;
}
