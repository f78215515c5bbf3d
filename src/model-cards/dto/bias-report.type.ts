import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';
import { ConnectionType } from '../../common/graphql/pagination';
import { PromotionExceptionType } from './model-card.type';

@ObjectType('ConfidenceInterval')
export class IntervalType {
  @Field(() => Float)
  low!: number;

  @Field(() => Float)
  high!: number;
}

@ObjectType('BiasRate')
export class RateType {
  @Field(() => Float, { nullable: true, description: 'Null when the denominator is 0' })
  value!: number | null;

  @Field(() => IntervalType, { nullable: true, description: 'Wilson score interval' })
  interval!: IntervalType | null;

  @Field(() => Int)
  denominator!: number;
}

@ObjectType('BiasGroupMetrics')
export class GroupMetricsType {
  @Field()
  group!: string;

  @Field(() => Int)
  count!: number;

  @Field(() => Int)
  truePositives!: number;

  @Field(() => Int)
  falsePositives!: number;

  @Field(() => Int)
  trueNegatives!: number;

  @Field(() => Int)
  falseNegatives!: number;

  @Field(() => RateType)
  selectionRate!: RateType;

  @Field(() => RateType)
  truePositiveRate!: RateType;

  @Field(() => RateType)
  falsePositiveRate!: RateType;

  @Field(() => RateType)
  accuracy!: RateType;

  @Field({ description: 'Fewer records than the minimum group size: reported, not compared' })
  belowMinimum!: boolean;
}

@ObjectType('BiasDisparity')
export class DisparityType {
  @Field(() => Float, { nullable: true, description: 'Null when fewer than two compared groups define the rates' })
  value!: number | null;

  @Field(() => IntervalType, { nullable: true, description: 'Percentile bootstrap interval' })
  interval!: IntervalType | null;

  @Field(() => [String], { nullable: true, description: '[highest group, lowest group] of the defining rate' })
  between!: string[] | null;
}

@ObjectType('BiasReport')
export class BiasReportType {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  modelVersionId!: string;

  @Field(() => Int, { description: 'The card revision the report is attached to' })
  cardRevision!: number;

  @Field({ description: 'group_results, samples or prediction_records' })
  source!: string;

  @Field()
  protectedAttribute!: string;

  @Field(() => Float)
  confidenceLevel!: number;

  @Field(() => Int)
  minGroupSize!: number;

  @Field(() => Int)
  bootstrapSamples!: number;

  @Field(() => [GroupMetricsType])
  groups!: GroupMetricsType[];

  @Field(() => [String])
  comparedGroups!: string[];

  @Field(() => DisparityType)
  demographicParityDifference!: DisparityType;

  @Field(() => DisparityType)
  demographicParityRatio!: DisparityType;

  @Field(() => Boolean, { nullable: true, description: 'Demographic parity ratio below 0.8' })
  fourFifthsRuleViolated!: boolean | null;

  @Field(() => DisparityType)
  equalizedOddsDifference!: DisparityType;

  @Field(() => DisparityType)
  equalOpportunityDifference!: DisparityType;

  @Field({ description: "Within the thresholds of the model's risk tier (policies/promotion-gates.yaml), as they stand now" })
  withinThresholds!: boolean;

  @Field(() => [String], { description: 'Each threshold the report breaks, in words' })
  violations!: string[];

  @Field(() => [PromotionExceptionType], { description: 'Promotion exceptions of this version, live and expired' })
  exceptions!: PromotionExceptionType[];

  @Field({ description: 'Principal id' })
  createdBy!: string;

  @Field()
  createdAt!: Date;
}

@ObjectType('BiasReportConnection')
export class BiasReportConnection extends ConnectionType(BiasReportType) {}
