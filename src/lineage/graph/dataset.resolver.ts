import { Args, Context, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { FastifyRequest } from 'fastify';
import { CurrentPrincipal } from '../../auth/current-principal.decorator';
import { PeopleLoader } from '../../auth/people.loader';
import { PersonType } from '../../auth/person.type';
import type { Principal } from '../../auth/principal';
import { Requires } from '../../authz/requires.decorator';
import { validatePageSize } from '../../common/graphql/pagination';
import { DatasetConnection, DatasetType } from './dto/dataset.type';
import { DatasetsArgs, NodeNameArgs } from './dto/datasets.args';
import { SetDatasetTagsInput, SetDomainInput, SetOwnerInput } from './dto/lineage-curation.input';
import { LineageCatalogService } from './lineage-catalog.service';
import { toDataset } from './lineage.mapper';

@Resolver(() => DatasetType)
export class DatasetResolver {
  constructor(
    private readonly catalog: LineageCatalogService,
    private readonly people: PeopleLoader,
  ) {}

  @ResolveField(() => PersonType, {
    nullable: true,
    description: 'The owner as a person, when owner is a principal id or the e-mail of someone who has signed in',
  })
  ownerPerson(@Parent() dataset: DatasetType, @Context('req') request: FastifyRequest): Promise<PersonType | null> {
    return dataset.owner ? this.people.loadRef(request, dataset.owner) : Promise.resolve(null);
  }

  @Query(() => DatasetType, { description: 'One dataset; NOT_FOUND if it does not exist or the caller may not read it' })
  @Requires('lineage.read')
  async dataset(@CurrentPrincipal() principal: Principal, @Args() args: NodeNameArgs): Promise<DatasetType> {
    return toDataset(await this.catalog.dataset(principal, args.namespace, args.name, args.asOf));
  }

  @Query(() => DatasetConnection, { description: 'Datasets the caller may read, filtered by namespace, name prefix, tag, owner and domain' })
  @Requires('lineage.read')
  async datasets(@CurrentPrincipal() principal: Principal, @Args() args: DatasetsArgs): Promise<DatasetConnection> {
    const page = await this.catalog.datasets(principal, { ...args, first: validatePageSize(args.first) });
    return { nodes: page.datasets.map(toDataset), pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor } };
  }

  @Mutation(() => DatasetType, { description: 'Replaces the tags of a dataset or of one of its fields; audited' })
  @Requires('lineage.manage')
  async setDatasetTags(@CurrentPrincipal() principal: Principal, @Args('input') input: SetDatasetTagsInput): Promise<DatasetType> {
    return toDataset(await this.catalog.setDatasetTags(principal, input));
  }

  @Mutation(() => DatasetType, { description: 'Sets (or with null clears) the owner of a dataset; audited' })
  @Requires('lineage.manage')
  async setDatasetOwner(@CurrentPrincipal() principal: Principal, @Args('input') input: SetOwnerInput): Promise<DatasetType> {
    return toDataset(await this.catalog.setDatasetOwner(principal, input));
  }

  @Mutation(() => DatasetType, { description: 'Moves a dataset to another domain; audited' })
  @Requires('lineage.manage')
  async setDatasetDomain(@CurrentPrincipal() principal: Principal, @Args('input') input: SetDomainInput): Promise<DatasetType> {
    return toDataset(await this.catalog.setDatasetDomain(principal, input));
  }
}
