import { createHash } from 'node:crypto';
import { AppError } from '../../common/app-error';
import type { WalkSeed } from './graph-walk';

/**
 * The continuation cursor of a partial traversal: the walk's pending seeds, packed in binary
 * (about 23 bytes a seed, so a full 1,000-node frontier is some 30 KB of base64url), plus a
 * fingerprint of the query it continues. Stateless, so any replica can continue any answer.
 *
 * Seed keys are `d:<uuid>` (dataset), `j:<uuid>` (job) or `f:<uuid>:<field>` (dataset field).
 */

const VERSION = 1;
const FINGERPRINT_BYTES = 8;
// A 1 MB request body cannot carry more; refusing larger counts bounds the work a forged cursor asks for.
const MAX_SEEDS = 50_000;
const MAX_SKIP = 0xffffffff;
const UUID_HEX = /^[0-9a-f]{32}$/;

const KIND_CODE = { d: 0, j: 1, f: 2 } as const;
const CODE_KIND = ['d', 'j', 'f'] as const;

/** Identifies the query a cursor belongs to, so it cannot be replayed against another one. */
export function queryFingerprint(parts: readonly unknown[]): Buffer {
  return createHash('sha256').update(JSON.stringify(parts)).digest().subarray(0, FINGERPRINT_BYTES);
}

export function encodeContinuation(fingerprint: Buffer, seeds: WalkSeed[]): string {
  const chunks: Buffer[] = [Buffer.from([VERSION]), fingerprint, u32(seeds.length)];
  for (const seed of seeds) {
    const kind = seed.key[0] as keyof typeof KIND_CODE;
    const rest = seed.key.slice(2);
    const uuid = rest.slice(0, 36);
    chunks.push(Buffer.from([(KIND_CODE[kind] << 1) | (seed.dir === 'up' ? 1 : 0), seed.lvl]), Buffer.from(uuid.replace(/-/g, ''), 'hex'), u32(seed.skip));
    if (kind === 'f') {
      const field = Buffer.from(rest.slice(37), 'utf8');
      chunks.push(u32(field.length), field);
    }
  }
  return Buffer.concat(chunks).toString('base64url');
}

/** Decodes a cursor; anything this API did not produce for this query is BAD_USER_INPUT on `field`. */
export function decodeContinuation(cursor: string, fingerprint: Buffer, field = 'after'): WalkSeed[] {
  const bad = (why: string) => AppError.badInput(field, `${field} is not a continuation of this query (${why})`);
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw bad('not base64url');
  const buf = Buffer.from(cursor, 'base64url');
  let at = 0;
  const need = (n: number) => {
    if (at + n > buf.length) throw bad('truncated');
  };
  need(1 + FINGERPRINT_BYTES + 4);
  if (buf[0] !== VERSION) throw bad('unknown version');
  if (!buf.subarray(1, 1 + FINGERPRINT_BYTES).equals(fingerprint)) throw bad('it was returned for other arguments');
  at = 1 + FINGERPRINT_BYTES;
  const count = buf.readUInt32BE(at);
  at += 4;
  if (count > MAX_SEEDS) throw bad('too many entries');
  const seeds: WalkSeed[] = [];
  for (let i = 0; i < count; i++) {
    need(2 + 16 + 4);
    const flags = buf[at]!;
    const kind = CODE_KIND[flags >> 1];
    if (!kind) throw bad('unknown node kind');
    const lvl = buf[at + 1]!;
    const hex = buf.subarray(at + 2, at + 18).toString('hex');
    const skip = buf.readUInt32BE(at + 18);
    at += 22;
    if (!UUID_HEX.test(hex)) throw bad('bad id');
    const uuid = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    let key = `${kind}:${uuid}`;
    if (kind === 'f') {
      need(4);
      const length = buf.readUInt32BE(at);
      at += 4;
      need(length);
      key += `:${buf.subarray(at, at + length).toString('utf8')}`;
      at += length;
    }
    seeds.push({ key, dir: flags & 1 ? 'up' : 'down', lvl, skip });
  }
  if (at !== buf.length) throw bad('trailing bytes');
  return seeds;
}

function u32(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(Math.min(Math.max(0, value), MAX_SKIP));
  return b;
}
