import { Module } from '@nestjs/common';
import { AuthzModule } from '../authz/authz.module';
import { modelPoliciesProvider } from '../model-cards/model-policies.provider';
import { PredictionsModule } from '../predictions/predictions.module';
import { DatasetEvidenceGatherer } from './evidence/dataset-evidence';
import { EvidenceRepository } from './evidence/evidence.repository';
import { ModelEvidenceGatherer } from './evidence/model-evidence';
import { ModelEvidenceRepository } from './evidence/model-evidence.repository';
import { ReportController } from './report.controller';
import { ReportRepository } from './report.repository';
import { ReportResolver } from './report.resolver';
import { ReportService } from './report.service';
import { ReportVerificationService } from './report-verification.service';

/** Compliance reports (issue 8): evidence gathering, PDF and JSON packs, signed manifests, verification, jobs and downloads. */
@Module({
  imports: [AuthzModule, PredictionsModule],
  controllers: [ReportController],
  providers: [
    EvidenceRepository,
    DatasetEvidenceGatherer,
    ModelEvidenceRepository,
    ModelEvidenceGatherer,
    modelPoliciesProvider,
    ReportRepository,
    ReportService,
    ReportVerificationService,
    ReportResolver,
  ],
  exports: [ReportService],
})
export class ReportsModule {}
