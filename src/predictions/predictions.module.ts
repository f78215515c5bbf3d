import { Module } from '@nestjs/common';
import { AuthzModule } from '../authz/authz.module';
import { PredictionChainRepository } from './chain/prediction-chain.repository';
import { PredictionChainService } from './chain/prediction-chain.service';
import { FeedbackController } from './feedback/feedback.controller';
import { PredictionIngestController } from './ingest/prediction-ingest.controller';
import { PredictionIngestRepository } from './ingest/prediction-ingest.repository';
import { PredictionIngestService } from './ingest/prediction-ingest.service';
import { PredictionPartitions } from './maintenance/prediction-partitions';
import { PredictionRetentionRepository } from './maintenance/prediction-retention.repository';
import { PredictionRetentionService } from './maintenance/prediction-retention.service';
import { PredictionSchedule } from './maintenance/prediction-schedule';
import { PredictionsResolver } from './predictions.resolver';
import { PredictionsRepository } from './query/predictions.repository';
import { PredictionsService } from './query/predictions.service';
import { PredictionKeys } from './settings/prediction-keys';
import { PredictionSettingsRepository } from './settings/prediction-settings.repository';
import { PredictionSettingsService } from './settings/prediction-settings.service';

/** Per-prediction audit records (issue 4): ingest, chain, queries, feedback, retention. */
@Module({
  imports: [AuthzModule],
  controllers: [PredictionIngestController, FeedbackController],
  providers: [
    PredictionIngestRepository,
    PredictionIngestService,
    PredictionsRepository,
    PredictionsService,
    PredictionChainRepository,
    PredictionChainService,
    PredictionSettingsRepository,
    PredictionSettingsService,
    PredictionKeys,
    PredictionPartitions,
    PredictionRetentionRepository,
    PredictionRetentionService,
    PredictionSchedule,
    PredictionsResolver,
  ],
  exports: [PredictionsService, PredictionChainService, PredictionSettingsService],
})
export class PredictionsModule {}
