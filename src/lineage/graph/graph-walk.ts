/**
 * Turns the rows of one budgeted recursive walk (lineage-graph.repository.ts) into a graph: the
 * visited set, the node budget and the continuation are applied here, in memory, in the order the
 * walk produced its rows (breadth first). Pure: no I/O, unit-tested on its own.
 */

export type WalkDirection = 'up' | 'down';

/** One step of the walk: from `parent` (null for a seed) to `key`, `lvl` hops from the root. */
export interface WalkRow<E = unknown> {
  lvl: number;
  dir: WalkDirection;
  key: string;
  parent: string | null;
  /** Marks that `parent` has more neighbours than the fan-out cap; `key` is not a node. */
  more: boolean;
  /** What the edge carries besides its ends (column lineage: transformations, masking). */
  data?: E;
}

/** Where a walk starts or resumes: expand `key` in `dir`, skipping its first `skip` neighbours. */
export interface WalkSeed {
  key: string;
  dir: WalkDirection;
  lvl: number;
  skip: number;
}

export interface WalkLimits {
  /** Most nodes in the answer, seeds included. */
  budget: number;
  /** Rows the walk was allowed to return; it returns one more to show it had more. */
  rowLimit: number;
  /** Nodes at this level are not expanded (the requested depth). */
  maxLevel: number;
}

export interface WalkNode {
  key: string;
  /** Hops from the root of the traversal (not from this page's seeds). */
  distance: number;
  /** Some neighbours were left out by the fan-out cap or the budget: the continuation has them. */
  truncated: boolean;
}

/** Oriented as data flows: `origin` is upstream of `destination`, whichever way the walk went. */
export interface WalkEdge<E = unknown> {
  origin: string;
  destination: string;
  data?: E;
}

export interface AssembledWalk<E = unknown> {
  nodes: Map<string, WalkNode>;
  edges: WalkEdge<E>[];
  /** Work left: non-empty means the answer is partial. */
  next: WalkSeed[];
}

interface Expansion {
  seed: WalkSeed;
  /** Neighbour rows taken so far, in the walk's (id) order: the offset to resume from. */
  taken: number;
  cut: boolean;
  more: boolean;
}

const visit = (dir: WalkDirection, lvl: number, key: string) => `${dir}\u0000${lvl}\u0000${key}`;
const dirKey = (dir: WalkDirection, key: string) => `${dir}\u0000${key}`;

/** How many seeds one page expands: the rest wait, so that new nodes always fit in the budget. */
export function seedsPerPage(budget: number): number {
  return Math.max(1, Math.floor(budget / 2));
}

/**
 * Applies the budget to the walk's rows. A node is kept if it fits in the budget when the walk first
 * reaches it; the expansion that reached a node past the budget is resumed, at that neighbour, by
 * the continuation. If the walk hit its row limit, the nodes it may not have finished expanding are
 * resumed too. `carried` are seeds of earlier pages not expanded yet; they come first.
 */
export function assembleWalk<E>(rows: WalkRow<E>[], seeds: WalkSeed[], limits: WalkLimits, carried: WalkSeed[] = []): AssembledWalk<E> {
  const limitHit = rows.length > limits.rowLimit;
  const taken = limitHit ? rows.slice(0, limits.rowLimit) : rows;
  const seedByVisit = new Map(seeds.map((s) => [visit(s.dir, s.lvl, s.key), s]));
  const nodes = new Map<string, WalkNode>();
  const edges = new Map<string, WalkEdge<E>>();
  const expansions = new Map<string, Expansion>();
  // Working rows of the walk whose node is in the graph, and the lowest level each was reached at.
  const visits = new Map<string, WalkSeed>();
  const firstLevel = new Map<string, number>();
  const addVisit = (dir: WalkDirection, lvl: number, key: string) => {
    const id = visit(dir, lvl, key);
    if (!visits.has(id)) visits.set(id, { key, dir, lvl, skip: seedByVisit.get(id)?.skip ?? 0 });
    const k = dirKey(dir, key);
    firstLevel.set(k, Math.min(firstLevel.get(k) ?? lvl, lvl));
  };

  for (const row of taken) {
    if (row.parent === null) {
      if (!nodes.has(row.key)) nodes.set(row.key, { key: row.key, distance: row.lvl, truncated: false });
      addVisit(row.dir, row.lvl, row.key);
      continue;
    }
    const parentVisit = visit(row.dir, row.lvl - 1, row.parent);
    const parent = visits.get(parentVisit);
    // A parent left out by the budget: its own expansion is resumed by the continuation.
    if (!parent) continue;
    let expansion = expansions.get(parentVisit);
    if (!expansion) expansions.set(parentVisit, (expansion = { seed: parent, taken: 0, cut: false, more: false }));
    if (expansion.cut) continue;
    if (row.more) {
      expansion.more = true;
      continue;
    }
    if (!nodes.has(row.key)) {
      if (nodes.size >= limits.budget) {
        expansion.cut = true;
        continue;
      }
      nodes.set(row.key, { key: row.key, distance: row.lvl, truncated: false });
    }
    expansion.taken += 1;
    addVisit(row.dir, row.lvl, row.key);
    const [origin, destination] = row.dir === 'down' ? [row.parent, row.key] : [row.key, row.parent];
    const edgeKey = `${origin}\u0000${destination}`;
    if (!edges.has(edgeKey)) edges.set(edgeKey, { origin, destination, data: row.data });
  }

  const next: WalkSeed[] = [];
  const resume = (expansion: Expansion) => next.push({ ...expansion.seed, skip: expansion.seed.skip + expansion.taken });
  for (const expansion of expansions.values()) if (expansion.cut || expansion.more) resume(expansion);

  if (limitHit) {
    const last = taken.at(-1)!;
    // The walk stopped inside the expansion that produced its last row, and before expanding the
    // nodes of the last level (and perhaps some of the level before).
    const lastExpansion = last.parent === null ? undefined : expansions.get(visit(last.dir, last.lvl - 1, last.parent));
    if (lastExpansion && !lastExpansion.cut && !lastExpansion.more) resume(lastExpansion);
    for (const [id, v] of visits) {
      const pending = v.lvl === last.lvl || (v.lvl === last.lvl - 1 && !expansions.has(id));
      // A node reached again on a longer path was already expanded from its first visit.
      if (pending && firstLevel.get(dirKey(v.dir, v.key)) === v.lvl) next.push(v);
    }
  }

  const pending = dedupeSeeds([...carried, ...next.filter((s) => s.lvl < limits.maxLevel)]);
  for (const seed of pending) {
    const node = nodes.get(seed.key);
    if (node) node.truncated = true;
  }
  return { nodes, edges: [...edges.values()], next: pending };
}

/** One seed per node and direction: the shallowest (it reaches deepest), then the smallest skip. */
export function dedupeSeeds(seeds: WalkSeed[]): WalkSeed[] {
  const best = new Map<string, WalkSeed>();
  for (const seed of seeds) {
    const k = dirKey(seed.dir, seed.key);
    const current = best.get(k);
    if (!current || seed.lvl < current.lvl || (seed.lvl === current.lvl && seed.skip < current.skip)) best.set(k, seed);
  }
  // Keep the order of first appearance: earlier work first.
  const order = new Map<string, number>();
  seeds.forEach((s, i) => order.set(dirKey(s.dir, s.key), Math.min(order.get(dirKey(s.dir, s.key)) ?? i, i)));
  return [...best.entries()].sort((a, b) => order.get(a[0])! - order.get(b[0])!).map(([, s]) => s);
}
