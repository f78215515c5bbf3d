import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { Requires } from '../authz/requires.decorator';
import { validatePageSize } from '../common/graphql/pagination';
import { PromotionExceptionType } from './dto/model-card.type';
import {
  CreateModelInput,
  GrantPromotionExceptionInput,
  ModelArgs,
  ModelsArgs,
  ModelVersionArgs,
  PromoteModelVersionInput,
  RegisterModelVersionInput,
} from './dto/model.inputs';
import { ModelConnection, ModelType, ModelVersionType } from './dto/model.type';
import { toException, toModel, toVersion } from './model-cards.mapper';
import { PromotionService } from './promotion/promotion.service';
import type { VersionRow, ModelRow } from './registry/registry.repository';
import { RegistryService } from './registry/registry.service';

@Resolver()
export class ModelResolver {
  constructor(
    private readonly registry: RegistryService,
    private readonly promotion: PromotionService,
  ) {}

  @Query(() => ModelConnection, {
    description: 'Models the caller may read, by name, filtered by domain, risk tier, owner, version stage and card review status',
  })
  @Requires('model.read')
  async models(@CurrentPrincipal() principal: Principal, @Args() args: ModelsArgs): Promise<ModelConnection> {
    const page = await this.registry.list(principal, { ...args, first: validatePageSize(args.first) });
    const models = await this.registry.withVersions(page.rows);
    return { nodes: models.map((m) => toModel(m.model, m.versions)), pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor } };
  }

  @Query(() => ModelType, { description: 'One model by name; NOT_FOUND if it does not exist or the caller may not read its domain' })
  @Requires('model.read')
  async model(@CurrentPrincipal() principal: Principal, @Args() args: ModelArgs): Promise<ModelType> {
    const [m] = await this.registry.withVersions([await this.registry.model(principal, args.name)]);
    return toModel(m!.model, m!.versions);
  }

  @Query(() => ModelVersionType)
  @Requires('model.read')
  async modelVersion(@CurrentPrincipal() principal: Principal, @Args() args: ModelVersionArgs): Promise<ModelVersionType> {
    const { version, model } = await this.registry.version(principal, args.id);
    return this.versionView(version, model);
  }

  @Mutation(() => ModelType, { description: 'Registers a model in a domain with its EU AI Act risk tier; audited' })
  @Requires('model.register', { domainArg: 'input.domain' })
  async createModel(@CurrentPrincipal() principal: Principal, @Args('input') input: CreateModelInput): Promise<ModelType> {
    return toModel(await this.registry.createModel(principal, input), []);
  }

  @Mutation(() => ModelVersionType, {
    description: 'Registers a version in development, linked to its training run and datasets, with a first draft card; audited',
  })
  @Requires('model.register')
  async registerModelVersion(@CurrentPrincipal() principal: Principal, @Args('input') input: RegisterModelVersionInput): Promise<ModelVersionType> {
    const { version, model } = await this.registry.registerVersion(principal, input);
    return this.versionView(version, model);
  }

  @Mutation(() => ModelVersionType, {
    description: 'Moves a version development → staging → production → retired; production passes the gate of policies/promotion-gates.yaml; audited',
  })
  @Requires('model.promote')
  async promoteModelVersion(@CurrentPrincipal() principal: Principal, @Args('input') input: PromoteModelVersionInput): Promise<ModelVersionType> {
    const version = await this.promotion.promote(principal, input);
    const { model } = await this.registry.version(principal, version.id);
    return this.versionView(version, model);
  }

  @Mutation(() => PromotionExceptionType, { description: 'A named, expiring exception that waives gate conditions for one version; audited' })
  @Requires('model.except')
  async grantPromotionException(@CurrentPrincipal() principal: Principal, @Args('input') input: GrantPromotionExceptionInput): Promise<PromotionExceptionType> {
    return toException(await this.promotion.grantException(principal, input));
  }

  private async versionView(version: VersionRow, model: ModelRow): Promise<ModelVersionType> {
    const [details] = await this.registry.details([version], [model]);
    return toVersion(details!);
  }
}
