import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { Requires } from '../authz/requires.decorator';
import { AppError, requireValidDate } from '../common/app-error';
import { PredictionChainService } from './chain/prediction-chain.service';
import {
  AddPredictionFeedbackInput,
  PredictionArgs,
  PredictionChainVerificationType,
  PredictionConnection,
  PredictionFeedbackType,
  PredictionRetentionResultType,
  PredictionsArgs,
  PredictionSettingsType,
  PredictionsForSubjectArgs,
  PredictionStatsArgs,
  PredictionStatsType,
  PredictionType,
  PredictionVolumeAlertType,
  SetPredictionSettingsInput,
  VerifyPredictionChainArgs,
} from './dto/prediction.type';
import { toPrediction, toPredictionFeedback, toPredictionSettings } from './predictions.mapper';
import { PredictionRetentionService } from './maintenance/prediction-retention.service';
import { PredictionsService, type PredictionPage } from './query/predictions.service';
import { PredictionSettingsService } from './settings/prediction-settings.service';

function toConnection(page: PredictionPage): PredictionConnection {
  return { nodes: page.views.map(toPrediction), pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor } };
}

@Resolver()
export class PredictionsResolver {
  constructor(
    private readonly service: PredictionsService,
    private readonly chain: PredictionChainService,
    private readonly settings: PredictionSettingsService,
    private readonly retention: PredictionRetentionService,
  ) {}

  @Query(() => PredictionType, { description: 'One logged prediction by its request id (Seldon Ce-Requestid / KServe Ce-Id); NOT_FOUND if none' })
  @Requires('predictions.read')
  async prediction(@CurrentPrincipal() principal: Principal, @Args() args: PredictionArgs): Promise<PredictionType> {
    const view = await this.service.prediction(principal, args.requestId, args.model ?? null, args.includePayloads);
    if (!view) throw AppError.notFound(`prediction ${args.requestId}`);
    return toPrediction(view);
  }

  @Query(() => PredictionConnection, { description: "A model's predictions in arrival order" })
  @Requires('predictions.read')
  async predictions(@CurrentPrincipal() principal: Principal, @Args() args: PredictionsArgs): Promise<PredictionConnection> {
    return toConnection(
      await this.service.list(principal, {
        model: args.model,
        version: args.version,
        from: args.from,
        to: args.to,
        status: args.filter?.status,
        includePayloads: args.includePayloads,
        first: args.first,
        after: args.after,
      }),
    );
  }

  @Query(() => PredictionConnection, { description: "A data subject's predictions (access request, 'explain the decision about me')" })
  @Requires('predictions.read')
  async predictionsForSubject(@CurrentPrincipal() principal: Principal, @Args() args: PredictionsForSubjectArgs): Promise<PredictionConnection> {
    return toConnection(
      await this.service.list(principal, {
        model: args.model,
        subjectId: args.subjectId,
        includePayloads: args.includePayloads,
        first: args.first,
        after: args.after,
      }),
    );
  }

  @Query(() => PredictionChainVerificationType, { description: "Recomputes a model's prediction chain and reports the first broken link" })
  @Requires('predictions.verify')
  verifyPredictionChain(@Args() args: VerifyPredictionChainArgs): Promise<PredictionChainVerificationType> {
    return this.chain.verify(args.model, args.from ? requireValidDate('from', args.from) : null, args.to ? requireValidDate('to', args.to) : null);
  }

  @Query(() => PredictionStatsType, { description: 'Per time bucket: count, error rate, latency percentiles; and the output distribution' })
  @Requires('predictions.read')
  predictionStats(@CurrentPrincipal() principal: Principal, @Args() args: PredictionStatsArgs): Promise<PredictionStatsType> {
    return this.service.stats(principal, args.model, args.version ?? null, args.from, args.to, args.bucket, args.outputField ?? null);
  }

  @Query(() => [PredictionVolumeAlertType], { description: 'Models that went quiet: fewer records in the last hour than their minHourlyVolume' })
  @Requires('predictions.read')
  predictionVolumeAlerts(): Promise<PredictionVolumeAlertType[]> {
    return this.service.volumeAlerts();
  }

  @Query(() => [PredictionSettingsType])
  @Requires('predictions.read')
  async predictionSettings(): Promise<PredictionSettingsType[]> {
    return (await this.settings.list()).map(toPredictionSettings);
  }

  @Mutation(() => PredictionSettingsType, { description: "Sets a model's redaction, pseudonymisation, subject key, retention and volume alert" })
  @Requires('predictions.manage')
  async setPredictionSettings(@CurrentPrincipal() principal: Principal, @Args('input') input: SetPredictionSettingsInput): Promise<PredictionSettingsType> {
    return toPredictionSettings(await this.settings.set(principal, input));
  }

  @Mutation(() => PredictionFeedbackType, { description: 'Attaches ground truth to a prediction by request id' })
  @Requires('predictions.feedback')
  async addPredictionFeedback(@CurrentPrincipal() principal: Principal, @Args('input') input: AddPredictionFeedbackInput): Promise<PredictionFeedbackType> {
    return toPredictionFeedback(await this.service.addFeedback(principal, input));
  }

  @Mutation(() => PredictionRetentionResultType, {
    description: 'Drops the daily partitions every model in them allows to go (retentionDays), leaving signed chain checkpoints; also runs hourly',
  })
  @Requires('predictions.manage')
  applyPredictionRetention(@CurrentPrincipal() principal: Principal): Promise<PredictionRetentionResultType> {
    return this.retention.run(principal);
  }
}
