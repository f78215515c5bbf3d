import { Module } from '@nestjs/common';
import { AuthzModule } from '../../authz/authz.module';
import { PiiResolver } from './pii.resolver';
import { PiiReviewService } from './pii-review.service';
import { PiiScanController } from './pii-scan.controller';
import { PiiScanRepository } from './pii-scan.repository';
import { PiiScanService } from './pii-scan.service';
import { ModelCardsModule } from '../../model-cards/model-cards.module';

/** The PII scanning service (issue 5): uploads, scan jobs, tags, sensitivity, verdicts, reach. */
@Module({
  imports: [AuthzModule, ModelCardsModule],
  controllers: [PiiScanController],
  providers: [PiiScanRepository, PiiScanService, PiiReviewService, PiiResolver],
  exports: [PiiScanService],
})
export class PiiServiceModule {}
