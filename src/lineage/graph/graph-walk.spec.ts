import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assembleWalk, dedupeSeeds, type WalkRow, type WalkSeed } from './graph-walk';

const seed = (key: string, dir: 'up' | 'down' = 'down'): WalkSeed => ({ key, dir, lvl: 0, skip: 0 });
const row = (lvl: number, parent: string | null, key: string, more = false, dir: 'up' | 'down' = 'down'): WalkRow => ({ lvl, dir, key, parent, more });

describe('assembling a walk', () => {
  it('keeps every node and orients edges as data flows, whichever way the walk went', () => {
    const rows = [row(0, null, 'j:x', false, 'up'), row(0, null, 'j:x'), row(1, 'j:x', 'd:in', false, 'up'), row(1, 'j:x', 'd:out')];
    const walk = assembleWalk(rows, [seed('j:x', 'up'), seed('j:x')], { budget: 10, rowLimit: 100, maxLevel: 3 });
    assert.deepEqual([...walk.nodes.keys()], ['j:x', 'd:in', 'd:out']);
    assert.deepEqual(
      walk.edges.map((e) => `${e.origin}->${e.destination}`),
      ['d:in->j:x', 'j:x->d:out'],
    );
    assert.deepEqual(walk.next, []);
  });

  it('records edges to nodes already visited (diamonds), and the shortest distance', () => {
    const rows = [row(0, null, 'd:a'), row(1, 'd:a', 'j:1'), row(1, 'd:a', 'j:2'), row(2, 'j:1', 'd:b'), row(2, 'j:2', 'd:b')];
    const walk = assembleWalk(rows, [seed('d:a')], { budget: 10, rowLimit: 100, maxLevel: 4 });
    assert.equal(walk.nodes.get('d:b')?.distance, 2);
    assert.equal(walk.edges.length, 4);
  });

  it('stops at the node budget and resumes the cut expansion at the first node left out', () => {
    const rows = [row(0, null, 'd:a'), row(1, 'd:a', 'j:1'), row(1, 'd:a', 'j:2'), row(1, 'd:a', 'j:3'), row(2, 'j:1', 'd:b')];
    const walk = assembleWalk(rows, [seed('d:a')], { budget: 3, rowLimit: 100, maxLevel: 4 });
    assert.deepEqual([...walk.nodes.keys()], ['d:a', 'j:1', 'j:2']);
    // j:1 was expanded too, but its child did not fit either.
    assert.deepEqual(walk.next, [
      { key: 'd:a', dir: 'down', lvl: 0, skip: 2 },
      { key: 'j:1', dir: 'down', lvl: 1, skip: 0 },
    ]);
    assert.equal(walk.nodes.get('d:a')?.truncated, true);
    assert.equal(walk.nodes.get('j:2')?.truncated, false);
    assert.equal(walk.edges.length, 2);
  });

  it('turns a fan-out marker into a seed past the cap, added to a resumed seed skip', () => {
    const rows = [row(3, null, 'd:hub'), row(4, 'd:hub', 'j:1'), row(4, 'd:hub', 'j:2'), row(4, 'd:hub', 'j:x', true)];
    const walk = assembleWalk(rows, [{ key: 'd:hub', dir: 'down', lvl: 3, skip: 10 }], { budget: 100, rowLimit: 100, maxLevel: 8 });
    assert.deepEqual(walk.next, [{ key: 'd:hub', dir: 'down', lvl: 3, skip: 12 }]);
    assert.ok(!walk.nodes.has('j:x'), 'the marker row is not a node');
  });

  it('when the row limit is hit, resumes the unfinished expansion and the unexpanded nodes', () => {
    const rows = [
      row(0, null, 'd:a'),
      row(1, 'd:a', 'j:1'),
      row(1, 'd:a', 'j:2'),
      row(1, 'd:a', 'j:3'),
      row(2, 'j:1', 'd:b'),
      row(2, 'j:2', 'd:c'),
      row(2, 'j:2', 'd:d'), // one row beyond the limit: the walk had more
    ];
    const walk = assembleWalk(rows, [seed('d:a')], { budget: 100, rowLimit: 6, maxLevel: 6 });
    assert.ok(!walk.nodes.has('d:d'));
    const next = walk.next.map((s) => `${s.key}@${s.lvl}+${s.skip}`).sort();
    // j:2 stopped after one child; j:3 may not have been expanded; level-2 nodes were not.
    assert.deepEqual(next, ['d:b@2+0', 'd:c@2+0', 'j:2@1+1', 'j:3@1+0']);
  });

  it('does not resume nodes at the depth limit, and carries earlier pages seeds first', () => {
    const rows = [row(0, null, 'd:a'), row(1, 'd:a', 'j:1'), row(1, 'd:a', 'j:2')];
    const carried = [{ key: 'd:old', dir: 'up' as const, lvl: 1, skip: 0 }];
    const walk = assembleWalk(rows.concat(row(1, 'd:a', 'j:3')), [seed('d:a')], { budget: 100, rowLimit: 3, maxLevel: 1 }, carried);
    assert.deepEqual(
      walk.next.map((s) => s.key),
      ['d:old', 'd:a'],
    );
  });

  it('ignores rows below a node left out by the budget', () => {
    const rows = [row(0, null, 'd:a'), row(1, 'd:a', 'j:1'), row(1, 'd:a', 'j:2'), row(2, 'j:2', 'd:z')];
    const walk = assembleWalk(rows, [seed('d:a')], { budget: 2, rowLimit: 100, maxLevel: 4 });
    assert.deepEqual([...walk.nodes.keys()], ['d:a', 'j:1']);
    assert.deepEqual(walk.next, [{ key: 'd:a', dir: 'down', lvl: 0, skip: 1 }]);
  });

  it('dedupes seeds: the shallowest per node and direction, then the smallest skip', () => {
    const seeds = dedupeSeeds([
      { key: 'd:a', dir: 'down', lvl: 2, skip: 0 },
      { key: 'd:b', dir: 'down', lvl: 1, skip: 0 },
      { key: 'd:a', dir: 'down', lvl: 1, skip: 5 },
      { key: 'd:a', dir: 'up', lvl: 3, skip: 0 },
      { key: 'd:a', dir: 'down', lvl: 1, skip: 2 },
    ]);
    assert.deepEqual(seeds, [
      { key: 'd:a', dir: 'down', lvl: 1, skip: 2 },
      { key: 'd:b', dir: 'down', lvl: 1, skip: 0 },
      { key: 'd:a', dir: 'up', lvl: 3, skip: 0 },
    ]);
  });
});
