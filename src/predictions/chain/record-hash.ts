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

/** The columns that do not depend on the chain position, as RFC 8785 canonical JSON. */
export function halfBody(h: Omit<HashedHalf, 'seq' | 'receivedAt' | 'prevHash'>): string {
  return (
    canonicalize({
      modelName: h.modelName,
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
    }) ?? ''
  );
}

/**
 * sha256(prev_hash + "\n" + seq + "\n" + received_at (ISO 8601) + "\n" + halfBody), hex. The
 * body is computed before the batch takes the chain lock; only this digest is computed under it.
 */
export function chainHash(prevHash: string, seq: number, receivedAt: Date, body: string): string {
  return createHash('sha256').update(`${prevHash}\n${seq}\n${receivedAt.toISOString()}\n${body}`).digest('hex');
}

export function halfHash(h: HashedHalf): string {
  return chainHash(h.prevHash, h.seq, h.receivedAt, halfBody(h));
}
