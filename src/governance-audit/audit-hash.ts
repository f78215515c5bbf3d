import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

export const GENESIS_HASH = '0'.repeat(64);

/** The fields a row's hash covers: everything but the hash itself. */
export interface HashedAuditFields {
  seq: number;
  occurredAt: Date;
  actorId: string | null;
  actorLabel: string | null;
  action: string;
  target: string | null;
  decision: string;
  reason: string | null;
  requestId: string | null;
  details: Record<string, unknown>;
  prevHash: string;
}

/** sha256(prev_hash + "\n" + RFC 8785 canonical JSON of the row), hex. */
export function auditRowHash(row: HashedAuditFields): string {
  const body = canonicalize({
    seq: row.seq,
    occurredAt: row.occurredAt.toISOString(),
    actorId: row.actorId,
    actorLabel: row.actorLabel,
    action: row.action,
    target: row.target,
    decision: row.decision,
    reason: row.reason,
    requestId: row.requestId,
    details: row.details,
  });
  return createHash('sha256').update(`${row.prevHash}\n${body}`).digest('hex');
}
