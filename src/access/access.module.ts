import { Module } from '@nestjs/common';
import { AuthzModule } from '../authz/authz.module';
import { LineageGraphModule } from '../lineage/graph/lineage-graph.module';
import { AccessSweeper } from './access-sweeper';
import { AccessViewService } from './access-views.service';
import { AccessRepository } from './access.repository';
import { AccessResolver } from './access.resolver';
import { DecisionController } from './decision/decision.controller';
import { DenialAuditBatcher } from './decision/denial-audit-batcher';
import { AccessGrantService } from './grants/access-grant.service';
import { AccessIndex } from './grants/access-index';
import { AccessRequestService } from './requests/access-request.service';
import { RequesterFactsService } from './requests/requester-facts.service';
import { RuleBook } from './rules/rule-book';
import { WebhookDeliveryService } from './webhooks/webhook-delivery.service';
import { WebhookOutboxRepository } from './webhooks/webhook-outbox.repository';
import { WebhookResolver } from './webhooks/webhook.resolver';

/** Dataset access requests, the rules engine, expiring grants, the decision API and grant webhooks. */
@Module({
  imports: [AuthzModule, LineageGraphModule],
  controllers: [DecisionController],
  providers: [
    AccessRepository,
    WebhookOutboxRepository,
    RuleBook,
    AccessIndex,
    DenialAuditBatcher,
    WebhookDeliveryService,
    AccessGrantService,
    AccessRequestService,
    RequesterFactsService,
    AccessViewService,
    AccessSweeper,
    AccessResolver,
    WebhookResolver,
  ],
  exports: [AccessViewService],
})
export class AccessModule {}
