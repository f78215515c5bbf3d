import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { AuditEventInput } from '../../governance-audit/governance-audit.service';
import { GovernanceAuditService } from '../../governance-audit/governance-audit.service';
import { AccessRepository } from '../access.repository';

const FLUSH_MS = 20;
const MAX_BATCH = 500;

/**
 * Group commit for decision-API denials: the audit chain serialises writers, so one transaction per
 * denial would put a lock wait and a commit on every denied check. Denials are queued and written
 * a batch per transaction shortly after; the answer does not wait for the write.
 */
@Injectable()
export class DenialAuditBatcher implements OnModuleDestroy {
  private readonly logger = new Logger(DenialAuditBatcher.name);
  private queue: AuditEventInput[] = [];
  private timer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly audit: GovernanceAuditService,
    private readonly repository: AccessRepository,
  ) {}

  push(event: AuditEventInput): void {
    this.queue.push(event);
    if (this.queue.length >= MAX_BATCH) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_MS);
  }

  /** Writes everything queued so far; resolves when it is committed. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return this.flushing;
    this.flushing = this.flushing.then(() =>
      this.repository
        .transaction(async () => {
          for (const event of batch) await this.audit.record(event);
        })
        .catch((error: Error) => this.logger.error(`could not write ${batch.length} decision-API denials to the audit log: ${error.message}`)),
    );
    return this.flushing;
  }

  async onModuleDestroy(): Promise<void> {
    await this.flush();
  }
}
