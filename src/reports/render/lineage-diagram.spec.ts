import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LineageGraph } from '../pack/pack.types';
import { layoutDiagram, summariseGraph } from './lineage-diagram';

const node = (id: string, kind: 'dataset' | 'job', namespace: string, root = false): LineageGraph['nodes'][number] => ({
  id,
  kind,
  namespace,
  name: id,
  ...(root ? { root: true } : {}),
});

describe('lineage diagram summary', () => {
  it('draws a small graph as it is', () => {
    const graph: LineageGraph = { nodes: [node('a', 'dataset', 'n', true), node('j', 'job', 'n')], edges: [{ from: 'a', to: 'j' }], truncated: false };
    const d = summariseGraph(graph);
    assert.equal(d.summary, null);
    assert.deepEqual(
      d.nodes.map((n) => [n.id, n.members, n.root]),
      [
        ['a', 1, true],
        ['j', 1, false],
      ],
    );
    assert.deepEqual(d.edges, [{ from: 'a', to: 'j', count: 1 }]);
  });

  it('collapses by kind and namespace, keeping the root and counting folded edges', () => {
    const nodes = [node('root', 'dataset', 'warehouse', true)];
    const edges: LineageGraph['edges'] = [];
    for (let i = 0; i < 6; i += 1) {
      nodes.push(node(`job${i}`, 'job', 'spark'), node(`out${i}`, 'dataset', 'lake'));
      edges.push({ from: 'root', to: `job${i}` }, { from: `job${i}`, to: `out${i}` });
    }
    const d = summariseGraph({ nodes, edges, truncated: false }, 5);
    assert.match(d.summary!, /one box per kind and namespace/);
    assert.deepEqual(
      d.nodes.map((n) => [n.id, n.members, n.title]),
      [
        ['root', 1, 'root'],
        ['group:dataset:lake', 6, '6 datasets'],
        ['group:job:spark', 6, '6 jobs'],
      ],
    );
    assert.deepEqual(d.edges, [
      { from: 'group:job:spark', to: 'group:dataset:lake', count: 6 },
      { from: 'root', to: 'group:job:spark', count: 6 },
    ]);
  });

  it('groups by distance from the root when namespace boxes would form a cycle', () => {
    // a (ns x) → j1 (ns y) → b (ns x) → j2 (ns y) → c (ns x): namespace boxes x ⇄ y form a cycle.
    const nodes = [node('root', 'dataset', 'x', true), node('j1', 'job', 'y'), node('b', 'dataset', 'x'), node('j2', 'job', 'y'), node('c', 'dataset', 'x')];
    const edges = [
      { from: 'root', to: 'j1' },
      { from: 'j1', to: 'b' },
      { from: 'b', to: 'j2' },
      { from: 'j2', to: 'c' },
    ];
    const d = summariseGraph({ nodes, edges, truncated: false }, 4);
    assert.match(d.summary!, /distance from the root/);
    assert.equal(
      d.nodes.reduce((sum, n) => sum + n.members, 0),
      5,
    );
    assert.ok(d.nodes.some((n) => n.caption === 'dataset · 2 hop(s) from the root'));
  });

  it('lays out deterministically, every node inside the layout', async () => {
    const nodes = [node('root', 'dataset', 'x', true), node('j', 'job', 'x'), node('o', 'dataset', 'x')];
    const graph: LineageGraph = {
      nodes,
      edges: [
        { from: 'root', to: 'j' },
        { from: 'j', to: 'o' },
      ],
      truncated: false,
    };
    const first = await layoutDiagram(summariseGraph(graph));
    const second = await layoutDiagram(summariseGraph(graph));
    assert.deepEqual(
      [...first.nodes.entries()].map(([id, p]) => [id, p.x, p.y]),
      [...second.nodes.entries()].map(([id, p]) => [id, p.x, p.y]),
    );
    const xs = [...first.nodes.values()].map((p) => p.x);
    assert.ok(xs[0]! < xs[1]! && xs[1]! < xs[2]!, 'left to right in data-flow order');
    for (const p of first.nodes.values()) assert.ok(p.x >= 0 && p.y >= 0 && p.x <= first.width && p.y <= first.height);
  });
});
