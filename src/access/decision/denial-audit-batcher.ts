import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { AuditEventInput } from '../../governance-audit/governance-audit.service';
import { GovernanceAuditService } from '../../governance-audit/governance-audit.service';
import { AccessRepository } from '../access.repository';

const FLUSH_MS = 50;
// Rows per transaction: the audit chain lock is held until commit, so batches stay short.
const MAX_ROWS = 100;

const RETRY_MS = 1_000;

interface Pending {
  key: string;
  event: AuditEventInput;
  count: number;
  firstAt: string;
  lastAt: string;
}

/**
 * Group commit for decision-API denials. The audit chain serialises its writers, so one transaction
 * per denial would put a lock wait and a commit behind every denied check. Denials are queued and
 * written a batch per transaction shortly after (the answer does not wait); identical denials in one
 * window (same caller, subject, dataset, action and reason — a platform retrying) become one row
 * with their count and first/last time, so a burst cannot flood the log or the lock.
 */
@Injectable()
export class DenialAuditBatcher implements OnModuleDestroy {
  private readonly logger = new Logger(DenialAuditBatcher.name);
  private pending = new Map<string, Pending>();
  private timer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly audit: GovernanceAuditService,
    private readonly repository: AccessRepository,
  ) {}

  push(event: AuditEventInput): void {
    const key = JSON.stringify([event.actorId, event.target, event.details, event.reason]);
    const at = new Date().toISOString();
    const seen = this.pending.get(key);
    if (seen) {
      seen.count++;
      seen.lastAt = at;
    } else this.pending.set(key, { key, event, count: 1, firstAt: at, lastAt: at });
    if (this.pending.size >= MAX_ROWS) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_MS);
  }

  /** Writes everything queued so far; resolves when it is committed. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = [...this.pending.values()];
    this.pending = new Map();
    if (batch.length === 0) return this.flushing;
    this.flushing = this.flushing.then(() =>
      this.repository
        .transaction(async () => {
          for (const p of batch) {
            await this.audit.record({ ...p.event, details: { ...p.event.details, count: p.count, firstAt: p.firstAt, lastAt: p.lastAt } });
          }
        })
        .catch((error: Error) => {
          // Kept, merged with what arrived meanwhile, and written again: denials are never dropped.
          this.logger.error(`could not write ${batch.length} decision-API denials to the audit log, retrying: ${error.message}`);
          for (const p of batch) this.requeue(p);
          this.timer ??= setTimeout(() => void this.flush(), RETRY_MS);
        }),
    );
    return this.flushing;
  }

  private requeue(p: Pending): void {
    const seen = this.pending.get(p.key);
    if (!seen) return void this.pending.set(p.key, p);
    seen.count += p.count;
    if (p.firstAt < seen.firstAt) seen.firstAt = p.firstAt;
    if (p.lastAt > seen.lastAt) seen.lastAt = p.lastAt;
  }

  async onModuleDestroy(): Promise<void> {
    await this.flush();
  }
}
