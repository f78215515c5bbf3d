import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import GraphQLJSON from 'graphql-type-json';

export enum LineageDirectionEnum {
  UPSTREAM = 'UPSTREAM',
  DOWNSTREAM = 'DOWNSTREAM',
  BOTH = 'BOTH',
}
registerEnumType(LineageDirectionEnum, { name: 'LineageDirection', description: 'Which way a traversal follows the data' });

export enum LineageNodeTypeEnum {
  DATASET = 'DATASET',
  JOB = 'JOB',
  DATASET_FIELD = 'DATASET_FIELD',
  /** Only in impact's `models`: a model version (namespace = model name, name = version). */
  MODEL_VERSION = 'MODEL_VERSION',
}
registerEnumType(LineageNodeTypeEnum, { name: 'LineageNodeType' });

/** Where a LineageNode's details are read from; not part of the schema. */
export interface LineageNodeRef {
  kind: 'dataset' | 'job' | 'field';
  id: string;
  asOf: Date | null;
}

@ObjectType('LineageNode', { description: 'A dataset, job or dataset field in a lineage answer; restricted nodes keep their place but hide their names' })
export class LineageNodeType {
  @Field(() => ID, {
    description: 'Marquez node id (dataset:<ns>:<name>, job:<ns>:<name>, datasetField:<ns>:<dataset>:<field>), or a placeholder when restricted',
  })
  id!: string;

  @Field(() => LineageNodeTypeEnum)
  type!: LineageNodeTypeEnum;

  @Field({ description: 'The caller may not read this node: names, owner and details are hidden' })
  restricted!: boolean;

  @Field(() => String, { nullable: true })
  namespace!: string | null;

  @Field(() => String, { nullable: true, description: 'Dataset or job name' })
  name!: string | null;

  @Field(() => String, { nullable: true, description: 'DATASET_FIELD only' })
  field!: string | null;

  @Field(() => String, { nullable: true, description: 'DATASET_FIELD only: the field type' })
  fieldType!: string | null;

  @Field(() => String, { nullable: true })
  domain!: string | null;

  @Field(() => String, { nullable: true })
  owner!: string | null;

  @Field(() => [String], { description: 'Dataset tags, or the field tags of a DATASET_FIELD' })
  tags!: string[];

  @Field(() => Int, { description: 'Edges from the start node (a job hop is two)' })
  distance!: number;

  @Field({ description: 'Some neighbours were left out by the fan-out cap or node budget; the continuation has them' })
  truncated!: boolean;

  /** Null for restricted nodes: their details never resolve. */
  ref!: LineageNodeRef | null;
}

@ObjectType('LineageEdge', { description: 'A data flow from origin to destination (input dataset -> job -> output dataset, or field -> field)' })
export class LineageEdgeType {
  @Field(() => ID)
  origin!: string;

  @Field(() => ID)
  destination!: string;

  @Field(() => Boolean, { nullable: true, description: 'Column edges: the transformation masks the data' })
  masking!: boolean | null;

  @Field(() => GraphQLJSON, { nullable: true, description: 'Column edges: the columnLineage facet transformations' })
  transformations!: unknown[] | null;
}

@ObjectType('LineageGraph')
export class LineageGraphType {
  @Field(() => [LineageNodeType], { description: 'Breadth first from the start node (or the continuation anchors)' })
  nodes!: LineageNodeType[];

  @Field(() => [LineageEdgeType])
  edges!: LineageEdgeType[];

  @Field({ description: 'The node budget or a fan-out cap was reached: pass continuation as after for the rest' })
  partial!: boolean;

  @Field(() => String, { nullable: true, description: 'Give as after, with the same other arguments, to continue; nodes may repeat across pages' })
  continuation!: string | null;

  @Field(() => Date, { nullable: true })
  asOf!: Date | null;
}

@ObjectType('Impact', { description: 'Everything downstream of a node, with owners' })
export class ImpactType {
  @Field(() => LineageNodeType)
  root!: LineageNodeType;

  @Field(() => [LineageNodeType])
  datasets!: LineageNodeType[];

  @Field(() => [LineageNodeType])
  jobs!: LineageNodeType[];

  @Field(() => [LineageNodeType], {
    description:
      'Model versions trained or evaluated on the root or a downstream dataset, or trained by such a job (type MODEL_VERSION: namespace = model, name = version, tags = [stage:<stage>])',
  })
  models!: LineageNodeType[];

  @Field(() => [String], { description: 'Distinct owners of the visible downstream nodes' })
  owners!: string[];

  @Field(() => Int, { description: 'Downstream nodes the caller may not read (shown as placeholders)' })
  restrictedCount!: number;

  @Field()
  partial!: boolean;

  @Field(() => String, { nullable: true })
  continuation!: string | null;
}
