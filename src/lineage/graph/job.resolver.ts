import { Args, Context, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { FastifyRequest } from 'fastify';
import { CurrentPrincipal } from '../../auth/current-principal.decorator';
import type { Principal } from '../../auth/principal';
import { Requires } from '../../authz/requires.decorator';
import { NodeNameArgs } from './dto/datasets.args';
import { JobType } from './dto/job.type';
import { SetDomainInput, SetOwnerInput } from './dto/lineage-curation.input';
import { RunType } from './dto/run.type';
import { LineageCatalogService } from './lineage-catalog.service';
import { LineageLoaders } from './lineage-loaders';
import { toJob, toRun } from './lineage.mapper';

@Resolver(() => JobType)
export class JobResolver {
  constructor(
    private readonly catalog: LineageCatalogService,
    private readonly loaders: LineageLoaders,
  ) {}

  @Query(() => JobType, { description: 'One job; NOT_FOUND if it does not exist or the caller may not read it' })
  @Requires('lineage.read')
  async job(@CurrentPrincipal() principal: Principal, @Args() args: NodeNameArgs): Promise<JobType> {
    return toJob(await this.catalog.job(principal, args.namespace, args.name, args.asOf));
  }

  @Mutation(() => JobType, { description: 'Sets (or with null clears) the owner of a job; audited' })
  @Requires('lineage.manage')
  async setJobOwner(@CurrentPrincipal() principal: Principal, @Args('input') input: SetOwnerInput): Promise<JobType> {
    return toJob(await this.catalog.setJobOwner(principal, input));
  }

  @Mutation(() => JobType, { description: 'Moves a job to another domain; audited' })
  @Requires('lineage.manage')
  async setJobDomain(@CurrentPrincipal() principal: Principal, @Args('input') input: SetDomainInput): Promise<JobType> {
    return toJob(await this.catalog.setJobDomain(principal, input));
  }

  @ResolveField(() => RunType, { nullable: true, description: 'The most recently started run' })
  async latestRun(@Parent() job: JobType, @Context('req') request: FastifyRequest): Promise<RunType | null> {
    const view = await this.loaders.for(request).latestRun.load(job.jobId);
    return view ? toRun(view) : null;
  }
}
