import { ArgsType, Field, ID, InputType } from '@nestjs/graphql';
import { PageArgs } from '../../common/graphql/pagination';
import { ReportKindEnum, ReportStatusEnum } from './report.type';

@InputType()
export class GenerateReportInput {
  @Field(() => ReportKindEnum)
  kind!: ReportKindEnum;

  @Field({ description: 'dataset:<namespace>:<name> for a dataset access pack, model:<model name>:<version> for a model audit pack' })
  target!: string;

  @Field({ description: 'Start of the period (inclusive)' })
  from!: Date;

  @Field({ description: 'End of the period (exclusive)' })
  to!: Date;
}

@ArgsType()
export class ReportArgs {
  @Field(() => ID)
  id!: string;
}

@ArgsType()
export class ReportsArgs extends PageArgs {
  @Field(() => ReportKindEnum, { nullable: true })
  kind?: ReportKindEnum | null;

  @Field(() => ReportStatusEnum, { nullable: true })
  status?: ReportStatusEnum | null;

  @Field(() => String, { nullable: true, description: 'Only packs about this node id' })
  target?: string | null;
}

@ArgsType()
export class VerifyReportArgs {
  @Field(() => ID, { nullable: true, description: 'Verify the stored PDF of this report' })
  reportId?: string | null;

  @Field(() => String, { nullable: true, description: 'Or: a pack.pdf, pack.json or manifest.json, base64-encoded (within the request body limit)' })
  fileBase64?: string | null;
}
