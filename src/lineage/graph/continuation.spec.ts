import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError, ErrorCode } from '../../common/app-error';
import { decodeContinuation, encodeContinuation, queryFingerprint } from './continuation';
import type { WalkSeed } from './graph-walk';

const A = '0a1b2c3d-0000-4000-8000-000000000001';
const B = '0a1b2c3d-0000-4000-8000-000000000002';

describe('continuation cursors', () => {
  const fingerprint = queryFingerprint(['lineage', 'dataset:ns:a', 'BOTH', 5, null]);

  it('round-trips dataset, job and field seeds compactly', () => {
    const seeds: WalkSeed[] = [
      { key: `d:${A}`, dir: 'down', lvl: 3, skip: 0 },
      { key: `j:${B}`, dir: 'up', lvl: 40, skip: 100 },
      { key: `f:${A}:email:raw`, dir: 'up', lvl: 1, skip: 7 },
      { key: `f:${B}:ünïcode`, dir: 'down', lvl: 0, skip: 0 },
    ];
    const cursor = encodeContinuation(fingerprint, seeds);
    assert.match(cursor, /^[A-Za-z0-9_-]+$/);
    assert.deepEqual(decodeContinuation(cursor, fingerprint), seeds);
    const thousand = Array.from({ length: 1000 }, (_, i) => ({ key: `d:${A}`, dir: 'down' as const, lvl: i % 100, skip: i }));
    assert.ok(encodeContinuation(fingerprint, thousand).length < 32_000, 'a full frontier stays around 30 KB');
  });

  it('refuses a cursor of another query, or not made here, as bad input on after', () => {
    const cursor = encodeContinuation(fingerprint, [{ key: `d:${A}`, dir: 'down', lvl: 1, skip: 0 }]);
    const refused = (c: string, fp = fingerprint) =>
      assert.throws(
        () => decodeContinuation(c, fp),
        (e: unknown) => e instanceof AppError && e.code === ErrorCode.BAD_USER_INPUT && e.field === 'after',
      );
    refused(cursor, queryFingerprint(['lineage', 'dataset:ns:a', 'BOTH', 6, null]));
    refused('not a cursor!');
    refused(cursor.slice(0, -4));
    refused(`${cursor}AAAA`);
    refused(Buffer.from([9, ...fingerprint, 0, 0, 0, 0]).toString('base64url'));
    refused(Buffer.from([1, ...fingerprint, 0xff, 0xff, 0xff, 0xff]).toString('base64url'));
  });
});
