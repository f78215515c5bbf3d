import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ConnectionType } from '../../common/graphql/pagination';

export enum ReportKindEnum {
  MODEL = 'model',
  DATASET = 'dataset',
}
registerEnumType(ReportKindEnum, { name: 'ReportKind', description: 'MODEL: model audit pack (needs the model registry); DATASET: dataset access pack' });

export enum ReportStatusEnum {
  QUEUED = 'queued',
  RUNNING = 'running',
  SUCCEEDED = 'succeeded',
  FAILED = 'failed',
}
registerEnumType(ReportStatusEnum, { name: 'ReportStatus' });

export enum ReportFileEnum {
  PDF = 'pdf',
  JSON = 'json',
  MANIFEST = 'manifest',
}
registerEnumType(ReportFileEnum, { name: 'ReportFileFormat' });

@ObjectType()
export class ReportFileType {
  @Field({ description: 'pack.pdf, pack.json or manifest.json' })
  name!: string;

  @Field({ description: 'SHA-256 of the file, hex' })
  sha256!: string;

  @Field(() => Int)
  bytes!: number;

  @Field({ description: 'GET this path (with a token) to download the file' })
  url!: string;
}

@ObjectType()
export class ReportDownloadType {
  @Field(() => ReportFileEnum)
  file!: ReportFileEnum;

  @Field({ description: 'Principal id of who downloaded it' })
  principalId!: string;

  @Field(() => String, { nullable: true })
  principalLabel!: string | null;

  @Field()
  downloadedAt!: Date;
}

@ObjectType()
export class ReportType {
  @Field(() => ID)
  id!: string;

  @Field(() => ReportKindEnum)
  kind!: ReportKindEnum;

  @Field({ description: 'The node id the pack is about, e.g. dataset:<namespace>:<name>' })
  target!: string;

  @Field()
  domain!: string;

  @Field({ description: 'Start of the period (inclusive)' })
  from!: Date;

  @Field({ description: 'End of the period (exclusive)' })
  to!: Date;

  @Field(() => ReportStatusEnum)
  status!: ReportStatusEnum;

  @Field(() => Int, { description: '0..100' })
  progress!: number;

  @Field({ description: 'Principal id of who requested the pack' })
  requestedBy!: string;

  @Field(() => String, { nullable: true })
  requestedByLabel!: string | null;

  @Field(() => Date, { nullable: true, description: 'The generation time printed in the pack' })
  generatedAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'SHA-256 of the manifest contents: printed on every page and in the PDF metadata' })
  packHash!: string | null;

  @Field(() => [ReportFileType])
  files!: ReportFileType[];

  @Field(() => String, { nullable: true, description: 'Why the job failed' })
  error!: string | null;

  @Field()
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  finishedAt!: Date | null;
}

@ObjectType()
export class ReportConnection extends ConnectionType(ReportType) {}

@ObjectType()
export class ReportVerificationType {
  @Field()
  valid!: boolean;

  @Field({ description: 'Why the file is, or is not, a pack this Charter produced, unchanged' })
  reason!: string;

  @Field({ description: 'pdf, json, manifest or unknown' })
  fileKind!: string;

  @Field(() => String, { nullable: true, description: 'The manifest part the file was checked against' })
  part!: string | null;

  @Field(() => ID, { nullable: true })
  reportId!: string | null;

  @Field(() => String, { nullable: true })
  packHash!: string | null;

  @Field({ description: 'SHA-256 of the file checked' })
  sha256!: string;
}
