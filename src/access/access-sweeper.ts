import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { CHARTER_CONFIG, type CharterConfig } from '../config/config';
import { AccessGrantService } from './grants/access-grant.service';
import { AccessRequestService } from './requests/access-request.service';
import { WebhookDeliveryService } from './webhooks/webhook-delivery.service';

/**
 * Background work on every replica (row locks with SKIP LOCKED keep replicas from doing the same
 * item twice): ends expired grants, hands overdue escalations to risk officers, delivers webhooks.
 */
@Injectable()
export class AccessSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(AccessSweeper.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    @Inject(CHARTER_CONFIG) private readonly config: CharterConfig,
    private readonly grants: AccessGrantService,
    private readonly requests: AccessRequestService,
    private readonly webhooks: WebhookDeliveryService,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), this.config.access.sweepIntervalMs);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass; concurrent calls share the pass in progress. */
  sweep(): Promise<void> {
    this.running ??= this.pass().finally(() => (this.running = undefined));
    return this.running;
  }

  private async pass(): Promise<void> {
    for (const [name, step] of [
      ['expire grants', () => this.grants.sweepExpired()],
      ['escalate overdue reviews', () => this.requests.escalateOverdue()],
      ['deliver webhooks', () => this.webhooks.deliverDue()],
    ] as const) {
      try {
        await step();
      } catch (error) {
        this.logger.error(`access sweeper could not ${name}: ${(error as Error).message}`);
      }
    }
  }
}
