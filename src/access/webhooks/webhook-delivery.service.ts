import { Inject, Injectable, Logger } from '@nestjs/common';
import { CHARTER_CONFIG, type CharterConfig } from '../../config/config';
import { TransactionHost } from '../../database/transaction-host';
import { GovernanceAuditService } from '../../governance-audit/governance-audit.service';
import { principalLabel } from '../../governance-audit/principal-label';
import { SIGNATURE_HEADER, signWebhook } from './webhook-signature';
import { WebhookOutboxRepository, type DeliveryStatus, type OutboxRow, type WebhookEvent } from './webhook-outbox.repository';
import type { Principal } from '../../auth/principal';
import { AppError } from '../../common/app-error';

const BATCH = 50;
const LEASE_SECONDS = 60;
const TIMEOUT_MS = 10_000;
const MAX_BACKOFF_MS = 3_600_000;

/** Sends due outbox rows, signed; failures are retried with exponential backoff and dead-lettered after the last attempt. */
@Injectable()
export class WebhookDeliveryService {
  private readonly logger = new Logger(WebhookDeliveryService.name);

  constructor(
    @Inject(CHARTER_CONFIG) private readonly config: CharterConfig,
    private readonly outbox: WebhookOutboxRepository,
    private readonly tx: TransactionHost,
    private readonly audit: GovernanceAuditService,
  ) {}

  /** Queues one event per configured receiver, in the caller's transaction. */
  enqueue(event: WebhookEvent, grantId: string, payload: Record<string, unknown>): Promise<void> {
    return this.outbox.enqueue(event, grantId, this.config.access.webhookUrls, payload);
  }

  list(status: DeliveryStatus | undefined, afterId: string | null, limit: number): Promise<OutboxRow[]> {
    return this.outbox.list(status, afterId, limit);
  }

  /** Puts a dead-lettered delivery back in the queue, audited. */
  async retry(principal: Principal, id: string): Promise<OutboxRow> {
    const row = await this.outbox.retry(id);
    if (!row) throw AppError.notFound('dead-lettered webhook delivery');
    await this.audit.record({
      action: 'access.webhook.retry',
      decision: 'allow',
      actorId: principal.id,
      actorLabel: principalLabel(principal),
      target: `grant:${row.grant_id}`,
      details: { deliveryId: id, url: row.target_url },
    });
    return row;
  }

  /** Delivers what is due now; returns how many were attempted. */
  async deliverDue(): Promise<number> {
    if (this.config.access.webhookUrls.length === 0) return 0;
    const rows = await this.tx.outside(() => this.tx.run(() => this.outbox.claimDue(BATCH, LEASE_SECONDS)));
    await Promise.all(rows.map((row) => this.deliver(row)));
    return rows.length;
  }

  private async deliver(row: OutboxRow): Promise<void> {
    const body = JSON.stringify({ deliveryId: row.id, event: row.event, ...row.payload });
    let problem: string | null = null;
    try {
      const response = await fetch(row.target_url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [SIGNATURE_HEADER]: signWebhook(this.config.access.webhookSecret!, body, Math.floor(Date.now() / 1000)),
          'charter-event': row.event,
          'charter-delivery': row.id,
        },
        body,
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      await response.body?.cancel();
      if (!response.ok) problem = `HTTP ${response.status}`;
    } catch (error) {
      problem = (error as Error).message;
    }
    await this.tx.outside(() =>
      this.tx.run(async () => {
        if (problem === null) return this.outbox.delivered(row.id);
        const attempts = row.attempts + 1;
        if (attempts < this.config.access.webhookMaxAttempts) {
          const delay = Math.min(this.config.access.webhookBackoffMs * 2 ** (attempts - 1), MAX_BACKOFF_MS);
          return this.outbox.failed(row.id, problem, new Date(Date.now() + delay));
        }
        await this.outbox.failed(row.id, problem, null);
        this.logger.warn(`webhook ${row.id} (${row.event}) to ${row.target_url} dead-lettered after ${attempts} attempts: ${problem}`);
        await this.audit.record({
          action: 'access.webhook.deadLetter',
          decision: 'error',
          target: `grant:${row.grant_id}`,
          reason: `delivery to ${row.target_url} failed ${attempts} times: ${problem}`,
          details: { deliveryId: row.id, event: row.event, url: row.target_url },
        });
      }),
    );
  }
}
