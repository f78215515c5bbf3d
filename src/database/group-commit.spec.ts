import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GroupCommitter } from './group-commit';

describe('GroupCommitter', () => {
  it('writes items submitted while a batch is in flight together in the next batch', async () => {
    const batches: number[][] = [];
    const committer = new GroupCommitter<number, number>(async (items) => {
      batches.push(items);
      await new Promise((r) => setTimeout(r, 10));
      return items.map((i) => i * 2);
    }, 100);
    const results = await Promise.all([1, 2, 3, 4, 5].map((i) => committer.submit(i)));
    assert.deepEqual(results, [2, 4, 6, 8, 10]);
    assert.deepEqual(batches, [[1], [2, 3, 4, 5]]);
  });

  it('respects the batch size, measured by sizeOf', async () => {
    const batches: number[][] = [];
    const committer = new GroupCommitter<number, number>(
      async (items) => {
        batches.push(items);
        await new Promise((r) => setTimeout(r, 5));
        return items;
      },
      10,
      (n) => n,
    );
    await Promise.all([1, 6, 5, 4, 20].map((i) => committer.submit(i)));
    assert.deepEqual(batches, [[1], [6], [5, 4], [20]], 'an item larger than the limit still goes, alone');
  });

  it('isolates a failing item: the others of its batch still commit', async () => {
    const committer = new GroupCommitter<string, string>(async (items) => {
      await new Promise((r) => setTimeout(r, 5));
      if (items.includes('bad')) throw new Error('constraint violated');
      return items.map((s) => s.toUpperCase());
    }, 100);
    const settled = await Promise.allSettled(['a', 'b', 'bad', 'c'].map((s) => committer.submit(s)));
    assert.deepEqual(
      settled.map((s) => (s.status === 'fulfilled' ? s.value : (s.reason as Error).message)),
      ['A', 'B', 'constraint violated', 'C'],
    );
  });
});
