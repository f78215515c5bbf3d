import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

export const GENESIS_HASH = '0'.repeat(64);

/**
 * How a half's hash covers its payload (column hash_version). 1: the payload's RFC 8785 canonical
 * JSON inside the canonical JSON of the other columns (halves stored as jsonb, before migration
 * 0010). 2: the payload's JSON text exactly as stored (as the logger sent it), after the canonical
 * JSON of the other columns.
 */
export type HashVersion = 1 | 2;
export const CURRENT_HASH_VERSION: HashVersion = 2;

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
  /** The payload column's JSON text; null when there is no payload. */
  payloadText: string | null;
  subjectHash: string | null;
  sender: string;
  prevHash: string;
  hashVersion: HashVersion;
}

type HalfColumns = Omit<HashedHalf, 'seq' | 'receivedAt' | 'prevHash'>;

/** The columns that do not depend on the chain position, as the text the chain hash covers. */
export function halfBody(h: HalfColumns): string {
  if (h.hashVersion === 1) return canonicalize({ ...columnsOf(h), payload: h.payloadText === null ? null : (JSON.parse(h.payloadText) as unknown) }) ?? '';
  // The payload text is appended as is: no canonicalisation (the costly part of hashing a big
  // payload), and a changed byte of what the logger sent changes the hash.
  return `${canonicalColumns(h)}\n${h.payloadText ?? ''}`;
}

function columnsOf(h: HalfColumns): Record<string, unknown> {
  return {
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
    subjectHash: h.subjectHash,
    sender: h.sender,
  };
}

/**
 * RFC 8785 canonical JSON of the columns (`canonicalize(columnsOf(h))`), written out for their
 * known shape because it is ingest's hot path: members in UTF-16 code unit order, strings as
 * JSON.stringify writes them (RFC 8785's string form). record-hash.spec.ts compares the two.
 */
export function canonicalColumns(h: HalfColumns): string {
  let attributes = '';
  for (const name of Object.keys(h.attributes).sort())
    attributes += `${attributes === '' ? '' : ','}${JSON.stringify(name)}:${JSON.stringify(h.attributes[name])}`;
  const text = (v: string | null) => (v === null ? 'null' : JSON.stringify(v));
  return (
    `{"attributes":{${attributes}},"contentType":${text(h.contentType)},"correlationId":${text(h.correlationId)},"eventId":${text(h.eventId)},` +
    `"eventType":${text(h.eventType)},"kind":${text(h.kind)},"modelName":${text(h.modelName)},"modelVersion":${text(h.modelVersion)},` +
    `"occurredAt":"${h.occurredAt.toISOString()}","sender":${text(h.sender)},"source":${text(h.source)},"subjectHash":${text(h.subjectHash)}}`
  );
}

/** The generic form of canonicalColumns. */
export function canonicalColumnsReference(h: HalfColumns): string {
  return canonicalize(columnsOf(h)) ?? '';
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
