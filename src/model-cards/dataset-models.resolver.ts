import { Context, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import DataLoader from 'dataloader';
import type { FastifyRequest } from 'fastify';
import { AppError, ErrorCode } from '../common/app-error';
import { DatasetType } from '../lineage/graph/dto/dataset.type';
import { ModelVersionType } from './dto/model.type';
import { toVersion } from './model-cards.mapper';
import { RegistryService, type VersionDetails } from './registry/registry.service';

type Key = { namespace: string; name: string };

/** Lineage's Dataset gains `models`: the versions built on it. One query per request, not per dataset. */
@Resolver(() => DatasetType)
export class DatasetModelsResolver {
  private readonly byRequest = new WeakMap<FastifyRequest, DataLoader<Key, VersionDetails[], string>>();

  constructor(private readonly registry: RegistryService) {}

  @ResolveField(() => [ModelVersionType], { description: 'Model versions trained or evaluated on this dataset (those whose model the caller may read)' })
  async models(@Parent() dataset: DatasetType, @Context('req') request: FastifyRequest): Promise<ModelVersionType[]> {
    return (await this.loader(request).load({ namespace: dataset.namespace, name: dataset.name })).map(toVersion);
  }

  private loader(request: FastifyRequest): DataLoader<Key, VersionDetails[], string> {
    let loader = this.byRequest.get(request);
    if (!loader) {
      loader = new DataLoader(
        (keys: readonly Key[]) => {
          if (!request.principal) throw new AppError(ErrorCode.UNAUTHENTICATED, 'not signed in');
          return this.registry.versionsOnDatasets(request.principal, keys);
        },
        { cacheKeyFn: (k) => `${k.namespace}\n${k.name}` },
      );
      this.byRequest.set(request, loader);
    }
    return loader;
  }
}
