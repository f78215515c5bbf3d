import { Injectable } from '@nestjs/common';
import { Args, Context, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import DataLoader from 'dataloader';
import type { FastifyRequest } from 'fastify';
import { AuthorizationService } from '../authz/authorization.service';
import { AppError, ErrorCode } from '../common/app-error';
import { PredictionVolumeArgs, PredictionVolumeDayType } from '../predictions/dto/prediction.type';
import { PredictionsService, requireVolumeDays } from '../predictions/query/predictions.service';
import { ModelType } from './dto/model.type';

type Key = { name: string; domain: string; days: number };

const READ_STATS = 'predictions.read';

/**
 * Prediction volume per day for the models a query shows: one statement per request and `days`
 * value, however many models the page lists. Per request object, as DatasetModelsLoader.
 */
@Injectable()
export class ModelPredictionVolumeLoader {
  private readonly byRequest = new WeakMap<FastifyRequest, DataLoader<Key, PredictionVolumeDayType[] | null, string>>();

  constructor(
    private readonly predictions: PredictionsService,
    private readonly authorization: AuthorizationService,
  ) {}

  load(request: FastifyRequest, key: Key): Promise<PredictionVolumeDayType[] | null> {
    return this.loader(request).load(key);
  }

  private loader(request: FastifyRequest): DataLoader<Key, PredictionVolumeDayType[] | null, string> {
    let loader = this.byRequest.get(request);
    if (!loader) {
      loader = new DataLoader((keys: readonly Key[]) => this.batch(request, keys), { cacheKeyFn: (k) => `${k.days}\n${k.name}` });
      this.byRequest.set(request, loader);
    }
    return loader;
  }

  private async batch(request: FastifyRequest, keys: readonly Key[]): Promise<(PredictionVolumeDayType[] | null)[]> {
    const principal = request.principal;
    if (!principal) throw new AppError(ErrorCode.UNAUTHENTICATED, 'not signed in');
    // predictions.read is checked in each model's domain, as model.read is: a model the caller may
    // list but not read the predictions of gets null (not an error for the whole page) and is not counted.
    const allowed = keys.filter((k) => this.authorization.check(principal, READ_STATS, k.domain).allowed);
    const series = new Map<Key, PredictionVolumeDayType[]>();
    for (const days of new Set(allowed.map((k) => k.days))) {
      const group = allowed.filter((k) => k.days === days);
      const volumes = await this.predictions.dailyVolumes(
        group.map((k) => k.name),
        days,
      );
      group.forEach((k, i) => series.set(k, volumes[i]!));
    }
    return keys.map((k) => series.get(k) ?? null);
  }
}

/** The registry's Model gains its prediction volume, for the inventory's sparklines. */
@Resolver(() => ModelType)
export class ModelPredictionVolumeResolver {
  constructor(private readonly loader: ModelPredictionVolumeLoader) {}

  @ResolveField(() => [PredictionVolumeDayType], {
    nullable: true,
    description:
      'Prediction records per UTC day (by first arrival, as predictionStats counts) over the last `days` days, oldest first, today so far last; ' +
      'a day without records has count 0. Null when the caller lacks predictions.read in the model’s domain. One query for all models of a page.',
  })
  predictionVolume(
    @Parent() model: ModelType,
    @Args() args: PredictionVolumeArgs,
    @Context('req') request: FastifyRequest,
  ): Promise<PredictionVolumeDayType[] | null> {
    return this.loader.load(request, { name: model.name, domain: model.domain, days: requireVolumeDays(args.days) });
  }
}
