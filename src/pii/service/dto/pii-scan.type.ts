import { Field, Float, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ConnectionType } from '../../../common/graphql/pagination';
import { Sensitivity } from '../../../lineage/graph/dto/sensitivity.enum';

export { Sensitivity };

export enum PiiScanStatus {
  QUEUED = 'queued',
  RUNNING = 'running',
  SUCCEEDED = 'succeeded',
  FAILED = 'failed',
}
registerEnumType(PiiScanStatus, { name: 'PiiScanStatus' });

@ObjectType()
export class PiiEntityFindingType {
  @Field()
  type!: string;

  @Field(() => Float)
  score!: number;

  @Field(() => Float, { description: 'Share of non-empty cells matching the type' })
  matchRatio!: number;
}

@ObjectType()
export class PiiColumnType {
  @Field({ description: 'Column name in the uploaded file' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'The lineage field it was matched to (exact, else case-insensitive); null if none' })
  field!: string | null;

  @Field()
  pii!: boolean;

  @Field(() => [PiiEntityFindingType], { description: 'Personal-data types found' })
  entities!: PiiEntityFindingType[];

  @Field(() => [PiiEntityFindingType], { description: 'Non-personal types found (ORGANIZATION, DATE_TIME, URL)' })
  other!: PiiEntityFindingType[];

  @Field(() => [String], { description: 'Masked example values' })
  examples!: string[];

  @Field(() => [String], { description: 'PII:<TYPE> tags set on the field after reviewer verdicts' })
  tags!: string[];
}

@ObjectType()
export class PiiScanType {
  @Field(() => ID)
  id!: string;

  @Field()
  namespace!: string;

  @Field()
  name!: string;

  @Field(() => PiiScanStatus)
  status!: PiiScanStatus;

  @Field(() => String, { nullable: true, description: 'Why the scan failed' })
  error!: string | null;

  @Field({ description: 'Principal or API key id that uploaded the file' })
  requestedBy!: string;

  @Field(() => String, { nullable: true })
  fileName!: string | null;

  @Field()
  fileSha256!: string;

  @Field(() => Float)
  sizeBytes!: number;

  @Field()
  format!: string;

  @Field(() => Float, { nullable: true, description: 'Data rows in the file (estimated when sampled by blocks)' })
  rows!: number | null;

  @Field(() => Int, { nullable: true, description: 'Rows actually classified' })
  sampled!: number | null;

  @Field(() => String, { nullable: true, description: 'all-rows, reservoir, random-blocks or row-ranges' })
  sampleMethod!: string | null;

  @Field(() => Sensitivity, { nullable: true, description: "This scan's verdict-adjusted sensitivity" })
  sensitivity!: Sensitivity | null;

  @Field(() => Sensitivity, { description: "The dataset's current sensitivity" })
  datasetSensitivity!: Sensitivity;

  @Field(() => [PiiColumnType])
  columns!: PiiColumnType[];

  @Field()
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  startedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  finishedAt!: Date | null;
}

@ObjectType()
export class PiiScanConnection extends ConnectionType(PiiScanType) {}
