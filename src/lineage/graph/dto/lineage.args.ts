import { ArgsType, Field, Int } from '@nestjs/graphql';
import { DEFAULT_DEPTH, IMPACT_NODE_BUDGET, MAX_DEPTH, NODE_BUDGET } from '../lineage-graph.limits';
import { LineageDirectionEnum } from './lineage-graph.type';

@ArgsType()
export class ImpactArgs {
  @Field({ description: 'dataset:<namespace>:<name> or job:<namespace>:<name>' })
  nodeId!: string;

  @Field(() => Date, { nullable: true, description: 'Answer with the graph as it was then' })
  asOf?: Date | null;

  @Field(() => Int, { nullable: true, description: `At most this many nodes (1..${IMPACT_NODE_BUDGET}, the default)` })
  maxNodes?: number | null;

  @Field(() => String, { nullable: true, description: 'continuation of the previous answer' })
  after?: string | null;
}

@ArgsType()
export class LineageArgs {
  @Field({ description: 'dataset:<namespace>:<name> or job:<namespace>:<name>' })
  nodeId!: string;

  @Field(() => LineageDirectionEnum, { defaultValue: LineageDirectionEnum.BOTH })
  direction: LineageDirectionEnum = LineageDirectionEnum.BOTH;

  @Field(() => Int, { defaultValue: DEFAULT_DEPTH, description: `Job hops (dataset -> job -> dataset is one), 0..${MAX_DEPTH}` })
  depth: number = DEFAULT_DEPTH;

  @Field(() => Date, { nullable: true, description: 'Answer with the edges and versions that existed then' })
  asOf?: Date | null;

  @Field(() => Int, { nullable: true, description: `At most this many nodes (1..${NODE_BUDGET}, the default)` })
  maxNodes?: number | null;

  @Field(() => String, { nullable: true, description: 'continuation of the previous answer' })
  after?: string | null;
}

@ArgsType()
export class ColumnLineageArgs {
  @Field({ description: 'datasetField:<namespace>:<dataset>:<field>, or dataset:<namespace>:<name> for all its fields' })
  nodeId!: string;

  @Field(() => LineageDirectionEnum, { defaultValue: LineageDirectionEnum.BOTH })
  direction: LineageDirectionEnum = LineageDirectionEnum.BOTH;

  @Field(() => Int, { defaultValue: DEFAULT_DEPTH, description: `Column edges, 0..${MAX_DEPTH}` })
  depth: number = DEFAULT_DEPTH;

  @Field(() => Date, { nullable: true })
  asOf?: Date | null;

  @Field(() => Int, { nullable: true, description: `At most this many nodes (1..${NODE_BUDGET}, the default)` })
  maxNodes?: number | null;

  @Field(() => String, { nullable: true })
  after?: string | null;
}
