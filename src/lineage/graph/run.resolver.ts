import { Args, ID, Query, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal } from '../../auth/current-principal.decorator';
import type { Principal } from '../../auth/principal';
import { Requires } from '../../authz/requires.decorator';
import { RunType } from './dto/run.type';
import { LineageCatalogService } from './lineage-catalog.service';
import { toRun } from './lineage.mapper';

@Resolver(() => RunType)
export class RunResolver {
  constructor(private readonly catalog: LineageCatalogService) {}

  @Query(() => RunType, { description: 'One OpenLineage run; NOT_FOUND if the caller may not read its job' })
  @Requires('lineage.read')
  async run(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string): Promise<RunType> {
    return toRun(await this.catalog.run(principal, id));
  }
}
