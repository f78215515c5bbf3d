import { Injectable, Logger } from '@nestjs/common';
import { currentRequestId, requestContext } from '../common/request-context';
import { TransactionHost } from '../database/transaction-host';
import { GENESIS_HASH, auditRowHash } from './audit-hash';
import { GovernanceAuditRepository, type AuditFilter, type AuditRow } from './governance-audit.repository';

export type AuditDecision = 'allow' | 'deny' | 'error';

export interface AuditEventInput {
  /** What was attempted, e.g. `apiKey.create`, `authn.token`, `authz.check`. */
  action: string;
  decision: AuditDecision;
  actorId?: string | null;
  actorLabel?: string | null;
  target?: string | null;
  reason?: string | null;
  details?: Record<string, unknown>;
}

export interface ChainVerification {
  valid: boolean;
  checkedCount: number;
  firstBrokenSeq: number | null;
  problem: string | null;
}

const VERIFY_BATCH = 1000;

@Injectable()
export class GovernanceAuditService {
  private readonly logger = new Logger(GovernanceAuditService.name);

  constructor(
    private readonly repository: GovernanceAuditRepository,
    private readonly tx: TransactionHost,
  ) {}

  /** Appends inside the current transaction if one is open, so the row commits with the change it records. */
  async record(event: AuditEventInput): Promise<void> {
    await this.tx.run(() => this.append(event));
    const mutation = requestContext.getStore()?.mutation;
    if (mutation) mutation.audited = true;
  }

  /** Appends in a transaction of its own: for denials and failures whose request is rolled back. */
  async recordIndependently(event: AuditEventInput): Promise<void> {
    try {
      await this.tx.outside(() => this.tx.run(() => this.append(event)));
    } catch (error) {
      // The request already fails for its own reason; log loudly rather than mask it.
      this.logger.error({ err: error, event }, 'could not write governance audit event');
    }
  }

  private async append(event: AuditEventInput): Promise<void> {
    const head = await this.repository.lockChainAndReadHead();
    const row = {
      seq: (head?.seq ?? 0) + 1,
      occurred_at: new Date(),
      actor_id: event.actorId ?? null,
      actor_label: event.actorLabel ?? null,
      action: event.action,
      target: event.target ?? null,
      decision: event.decision,
      reason: event.reason ?? null,
      request_id: currentRequestId() ?? null,
      details: event.details ?? {},
      prev_hash: head?.hash ?? GENESIS_HASH,
    };
    await this.repository.insert({ ...row, hash: auditRowHash(toHashed(row)) });
  }

  find(filter: AuditFilter, limit: number): Promise<AuditRow[]> {
    return this.repository.find(filter, limit);
  }

  /** Recomputes every row's hash and link; names the first row where the chain breaks. */
  async verifyChain(): Promise<ChainVerification> {
    let expectedSeq = 1;
    let prevHash = GENESIS_HASH;
    let checked = 0;
    for (;;) {
      const rows = await this.repository.scan(expectedSeq - 1, VERIFY_BATCH);
      for (const row of rows) {
        const seq = Number(row.seq);
        const broken = (problem: string): ChainVerification => ({ valid: false, checkedCount: checked, firstBrokenSeq: seq, problem });
        if (seq !== expectedSeq) return { ...broken(`row ${expectedSeq} is missing`), firstBrokenSeq: expectedSeq };
        if (row.prev_hash !== prevHash) return broken(`row ${seq} does not link to row ${seq - 1}`);
        if (auditRowHash(toHashed({ ...row, seq })) !== row.hash) return broken(`row ${seq} was altered after it was written`);
        prevHash = row.hash;
        expectedSeq += 1;
        checked += 1;
      }
      if (rows.length < VERIFY_BATCH) return { valid: true, checkedCount: checked, firstBrokenSeq: null, problem: null };
    }
  }
}

function toHashed(row: Omit<AuditRow, 'seq' | 'hash'> & { seq: number }) {
  return {
    seq: row.seq,
    occurredAt: row.occurred_at,
    actorId: row.actor_id,
    actorLabel: row.actor_label,
    action: row.action,
    target: row.target,
    decision: row.decision,
    reason: row.reason,
    requestId: row.request_id,
    details: row.details,
    prevHash: row.prev_hash,
  };
}
