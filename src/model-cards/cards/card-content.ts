import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/** A card document: Model Card Toolkit JSON (schema v0.0.2), kept as the JSON the user gave. */
export type CardContent = Record<string, unknown>;

/** SHA-256 (hex) of the RFC 8785 canonical JSON: the same card hashes the same whatever its key order. */
export function contentSha256(content: CardContent): string {
  return createHash('sha256')
    .update(canonicalize(content) ?? '')
    .digest('hex');
}

export type DiffOp = 'added' | 'removed' | 'changed';

export interface FieldChange {
  /** RFC 6901 JSON pointer of the changed value. */
  path: string;
  op: DiffOp;
  before: unknown;
  after: unknown;
}

const escape = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Field-level diff: objects by key, arrays by index, down to the first value whose type differs
 * or to scalars. Paths are sorted, so the same two revisions always give the same list.
 */
export function diffContent(before: unknown, after: unknown): FieldChange[] {
  const changes: FieldChange[] = [];
  walk(before, after, '', changes);
  return changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function walk(a: unknown, b: unknown, path: string, out: FieldChange[]): void {
  if (isObject(a) && isObject(b)) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const p = `${path}/${escape(key)}`;
      if (!Object.hasOwn(b, key)) out.push({ path: p, op: 'removed', before: a[key], after: null });
      else if (!Object.hasOwn(a, key)) out.push({ path: p, op: 'added', before: null, after: b[key] });
      else walk(a[key], b[key], p, out);
    }
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const p = `${path}/${i}`;
      if (i >= b.length) out.push({ path: p, op: 'removed', before: a[i], after: null });
      else if (i >= a.length) out.push({ path: p, op: 'added', before: null, after: b[i] });
      else walk(a[i], b[i], p, out);
    }
    return;
  }
  if (canonicalize(a) !== canonicalize(b)) out.push({ path: path || '/', op: 'changed', before: a, after: b });
}
