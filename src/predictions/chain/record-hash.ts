import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

export const GENESIS_HASH = '0'.repeat(64);

/** What a stored half's hash covers: every column but record_hash itself. */
export interface HashedHalf {
  modelName: string;
  seq: number;
  receivedAt: Date;
  kind: string;
  correlationId: string;
  eventId: string;
  eventType: string;
  source: string;
  modelVersion: string;
  occurredAt: Date;
  attributes: Record<string, string>;
  contentType: string | null;
  payload: unknown;
  subjectHash: string | null;
  sender: string;
  prevHash: string;
}

/** sha256(prev_hash + "\n" + RFC 8785 canonical JSON of the half), hex. */
export function halfHash(h: HashedHalf): string {
  const body = canonicalize({
    modelName: h.modelName,
    seq: h.seq,
    receivedAt: h.receivedAt.toISOString(),
    kind: h.kind,
    correlationId: h.correlationId,
    eventId: h.eventId,
    eventType: h.eventType,
    source: h.source,
    modelVersion: h.modelVersion,
    occurredAt: h.occurredAt.toISOString(),
    attributes: h.attributes,
    contentType: h.contentType,
    payload: h.payload ?? null,
    subjectHash: h.subjectHash,
    sender: h.sender,
  });
  return createHash('sha256')
    .update(`${h.prevHash}\n${body ?? ''}`)
    .digest('hex');
}
