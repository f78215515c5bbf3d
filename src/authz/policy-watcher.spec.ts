import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { serialised } from './policy-watcher';

describe('serialised reloads', () => {
  it('runs calls one after another, and a failed reload does not stop the next ones', async () => {
    const log: string[] = [];
    let calls = 0;
    const reload = serialised(async () => {
      const n = ++calls;
      log.push(`start ${n}`);
      await new Promise((r) => setTimeout(r, 5));
      log.push(`end ${n}`);
      if (n === 1) throw new Error('database restarting');
    });
    const first = reload();
    const second = reload();
    await assert.rejects(first, /database restarting/);
    await second;
    await reload();
    assert.deepEqual(log, ['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3']);
  });
});
