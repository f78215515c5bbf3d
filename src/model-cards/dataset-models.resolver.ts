import { Injectable } from '@nestjs/common';
import { Context, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import DataLoader from 'dataloader';
import type { FastifyRequest } from 'fastify';
import { AccessDatasetType } from '../access/dto/access.type';
import { AppError, ErrorCode } from '../common/app-error';
import { DatasetType } from '../lineage/graph/dto/dataset.type';
import { ModelVersionType } from './dto/model.type';
import { toVersion } from './model-cards.mapper';
import { RegistryService, type VersionDetails } from './registry/registry.service';

type Key = { namespace: string; name: string };

const MODELS_DESCRIPTION = 'Model versions trained or evaluated on this dataset (those whose model the caller may read)';

/** The model versions built on datasets, one query per request however many datasets a query shows. */
@Injectable()
export class DatasetModelsLoader {
  private readonly byRequest = new WeakMap<FastifyRequest, DataLoader<Key, VersionDetails[], string>>();

  constructor(private readonly registry: RegistryService) {}

  async load(request: FastifyRequest, dataset: Key): Promise<ModelVersionType[]> {
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

/** Lineage's Dataset gains `models`: the versions built on it. */
@Resolver(() => DatasetType)
export class DatasetModelsResolver {
  constructor(private readonly loader: DatasetModelsLoader) {}

  @ResolveField(() => [ModelVersionType], { description: MODELS_DESCRIPTION })
  models(@Parent() dataset: DatasetType, @Context('req') request: FastifyRequest): Promise<ModelVersionType[]> {
    return this.loader.load(request, dataset);
  }
}

/** The access chain's datasets gain `models` too: person → grants → requests → datasets → models. */
@Resolver(() => AccessDatasetType)
export class AccessDatasetModelsResolver {
  constructor(private readonly loader: DatasetModelsLoader) {}

  @ResolveField(() => [ModelVersionType], { description: MODELS_DESCRIPTION })
  models(@Parent() dataset: AccessDatasetType, @Context('req') request: FastifyRequest): Promise<ModelVersionType[]> {
    return this.loader.load(request, dataset);
  }
}
