import { Module } from '@nestjs/common';
import { PeopleModule } from '../auth/people.module';
import { AuthzModule } from '../authz/authz.module';
import { PredictionsModule } from '../predictions/predictions.module';
import { BiasComputer } from './bias/bias-computer';
import { BiasReportRepository } from './bias/bias-report.repository';
import { BiasService } from './bias/bias.service';
import { CardRepository } from './cards/card.repository';
import { CardService } from './cards/card.service';
import { AccessDatasetModelsResolver, DatasetModelsLoader, DatasetModelsResolver } from './dataset-models.resolver';
import { ModelCardResolver } from './model-card.resolver';
import { modelPoliciesProvider } from './model-policies.provider';
import { ModelPredictionVolumeLoader, ModelPredictionVolumeResolver } from './model-prediction-volume.resolver';
import { ModelResolver } from './model.resolver';
import { CardReviewPeopleResolver, PromotionExceptionPeopleResolver, StageChangePeopleResolver } from './people.resolver';
import { ExceptionRepository } from './promotion/exception.repository';
import { PromotionService } from './promotion/promotion.service';
import { RegistryRepository } from './registry/registry.repository';
import { RegistryService } from './registry/registry.service';
import { CardSigner } from './review/card-signer';
import { ReviewService } from './review/review.service';

/** Model registry, model cards with sign-off, bias reports and the promotion gate (issue 6). */
@Module({
  imports: [PeopleModule, AuthzModule, PredictionsModule],
  providers: [
    modelPoliciesProvider,
    RegistryRepository,
    CardRepository,
    BiasReportRepository,
    BiasComputer,
    ExceptionRepository,
    RegistryService,
    CardService,
    CardSigner,
    ReviewService,
    BiasService,
    PromotionService,
    ModelResolver,
    ModelCardResolver,
    DatasetModelsLoader,
    DatasetModelsResolver,
    AccessDatasetModelsResolver,
    ModelPredictionVolumeLoader,
    ModelPredictionVolumeResolver,
    CardReviewPeopleResolver,
    StageChangePeopleResolver,
    PromotionExceptionPeopleResolver,
  ],
  exports: [RegistryService, BiasService],
})
export class ModelCardsModule {}
