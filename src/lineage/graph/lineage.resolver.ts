import { Args, Context, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { FastifyRequest } from 'fastify';
import { CurrentPrincipal } from '../../auth/current-principal.decorator';
import type { Principal } from '../../auth/principal';
import { Requires } from '../../authz/requires.decorator';
import { DatasetType } from './dto/dataset.type';
import { JobType } from './dto/job.type';
import { ColumnLineageArgs, ImpactArgs, LineageArgs } from './dto/lineage.args';
import { ImpactType, LineageGraphType, LineageNodeType } from './dto/lineage-graph.type';
import { LineageGraphService } from './lineage-graph.service';
import { LineageLoaders } from './lineage-loaders';
import { toDataset, toImpact, toJob, toLineageGraph } from './lineage.mapper';

@Resolver(() => LineageNodeType)
export class LineageResolver {
  constructor(
    private readonly service: LineageGraphService,
    private readonly loaders: LineageLoaders,
  ) {}

  @Query(() => LineageGraphType, { description: 'Job-level lineage of a dataset or job, under a node budget; partial answers carry a continuation' })
  @Requires('lineage.read')
  async lineage(@CurrentPrincipal() principal: Principal, @Args() args: LineageArgs): Promise<LineageGraphType> {
    return toLineageGraph(await this.service.lineage(principal, args));
  }

  @Query(() => LineageGraphType, { description: 'Field-level lineage (columnLineage facet) of a dataset field, or of all fields of a dataset' })
  @Requires('lineage.read')
  async columnLineage(@CurrentPrincipal() principal: Principal, @Args() args: ColumnLineageArgs): Promise<LineageGraphType> {
    return toLineageGraph(await this.service.columnLineage(principal, args));
  }

  @Query(() => ImpactType, { description: 'Every job, dataset and model downstream of a node, with their owners' })
  @Requires('lineage.read')
  async impact(@CurrentPrincipal() principal: Principal, @Args() args: ImpactArgs): Promise<ImpactType> {
    return toImpact(await this.service.impact(principal, args));
  }

  @ResolveField(() => DatasetType, { nullable: true, description: 'Dataset details, as of the answer asOf; null for jobs and restricted nodes' })
  async dataset(@Parent() node: LineageNodeType, @Context('req') request: FastifyRequest): Promise<DatasetType | null> {
    if (node.ref?.kind !== 'dataset') return null;
    const row = await this.loaders.for(request).dataset.load({ id: node.ref.id, asOf: node.ref.asOf });
    return row ? toDataset(row) : null;
  }

  @ResolveField(() => JobType, { nullable: true, description: 'Job details, as of the answer asOf; null for datasets and restricted nodes' })
  async job(@Parent() node: LineageNodeType, @Context('req') request: FastifyRequest): Promise<JobType | null> {
    if (node.ref?.kind !== 'job') return null;
    const row = await this.loaders.for(request).job.load({ id: node.ref.id, asOf: node.ref.asOf });
    return row ? toJob(row) : null;
  }
}
