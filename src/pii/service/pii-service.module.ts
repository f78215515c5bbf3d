import { Module } from '@nestjs/common';
import { PeopleModule } from '../../auth/people.module';
import { AuthzModule } from '../../authz/authz.module';
import { PiiResolver } from './pii.resolver';
import { PiiReviewService } from './pii-review.service';
import { PiiScanController } from './pii-scan.controller';
import { PiiScanRepository } from './pii-scan.repository';
import { PiiScanService } from './pii-scan.service';
import { PiiVerdictPeopleResolver } from './pii-verdict-people.resolver';
import { ModelCardsModule } from '../../model-cards/model-cards.module';

/** The PII scanning service (issue 5): uploads, scan jobs, tags, sensitivity, verdicts, reach. */
@Module({
  imports: [PeopleModule, AuthzModule, ModelCardsModule],
  controllers: [PiiScanController],
  providers: [PiiScanRepository, PiiScanService, PiiReviewService, PiiResolver, PiiVerdictPeopleResolver],
  exports: [PiiScanService],
})
export class PiiServiceModule {}
