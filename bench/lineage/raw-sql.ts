/**
 * The baselines of the traversal measurements: the same traversal as the GraphQL `lineage` query,
 * written as ONE raw recursive SQL statement over lineage_edges and sent by the load generator
 * straight to PostgreSQL.
 *
 * BUDGETED (the like-for-like baseline). The same bounds as the service
 * (src/lineage/graph/lineage-graph.limits.ts, imported, so they cannot drift apart): `depth` job
 * hops (2 × depth edges from a dataset), at most FAN_OUT_CAP neighbours per node in id order (one
 * more is read only to know that there are more), at most NODE_BUDGET × WALK_ROWS_PER_NODE rows,
 * then the first NODE_BUDGET distinct nodes in the order the walk reached them. It starts from the
 * dataset's namespace and name, as the API does, and returns what the API answers, as one JSON
 * text built by PostgreSQL: every node's Marquez id and distance, and the edges between the nodes
 * kept (oriented as data flows), plus whether a bound cut the walk (the API's `partial`). It does not check access per node, encode a
 * continuation, speak GraphQL or HTTP: that is the API's overhead, which the 2× goal bounds.
 *
 * UNBOUNDED (a reference, what Marquez-style recursive lineage does): depth only, every neighbour,
 * no budget; returns only the count of distinct nodes reached (transferring them would measure the
 * network). Run a few times under a statement timeout.
 */
import type { Client } from 'pg';
import { FAN_OUT_CAP, NODE_BUDGET, WALK_ROWS_PER_NODE } from '../../src/lineage/graph/lineage-graph.limits';

export type Direction = 'UPSTREAM' | 'DOWNSTREAM' | 'BOTH';

const DIRS: Record<Direction, string[]> = { UPSTREAM: ['up'], DOWNSTREAM: ['down'], BOTH: ['down', 'up'] };

// $1 namespace, $2 name, $3 directions ('down', 'up'), $4 max level (edges), $5 fan-out cap,
// $6 row limit, $7 node budget. The walk is breadth first: PostgreSQL evaluates a recursive CTE level
// by level, and stops reading it at the LIMIT.
const BUDGETED_SQL = `
WITH RECURSIVE walk(lvl, dir, kind, id, parent_id, more) AS (
  SELECT 0, s.dir, 'd'::text, d.id, NULL::uuid, false
  FROM lineage_datasets d CROSS JOIN unnest($3::text[]) AS s(dir)
  WHERE d.namespace = $1 AND d.name = $2
  UNION
  SELECT w.lvl + 1, w.dir, n.kind, n.id, w.id, n.rn > $5
  FROM walk w
  CROSS JOIN LATERAL (
    SELECT x.kind, x.id, row_number() OVER () AS rn FROM (
      (SELECT 'j'::text AS kind, e.job_id AS id FROM lineage_edges e
       WHERE w.kind = 'd' AND e.dataset_id = w.id AND e.direction = CASE w.dir WHEN 'down' THEN 'input' ELSE 'output' END
       ORDER BY e.job_id LIMIT $5::int + 1)
      UNION ALL
      (SELECT 'd'::text, e.dataset_id FROM lineage_edges e
       WHERE w.kind = 'j' AND e.job_id = w.id AND e.direction = CASE w.dir WHEN 'down' THEN 'output' ELSE 'input' END
       ORDER BY e.dataset_id LIMIT $5::int + 1)
    ) x
  ) n
  WHERE w.lvl < $4 AND NOT w.more
),
steps AS MATERIALIZED (
  SELECT row_number() OVER () AS seq, t.* FROM (SELECT * FROM walk LIMIT $6::int + 1) t
),
reached AS MATERIALIZED (
  SELECT kind, id, min(lvl) AS distance, min(seq) AS first FROM steps WHERE NOT more GROUP BY kind, id
),
top AS MATERIALIZED (
  SELECT * FROM reached ORDER BY first LIMIT $7
),
kept AS MATERIALIZED (
  SELECT t.kind, t.id, t.distance, 'dataset:' || d.namespace || ':' || d.name AS node_id FROM top t JOIN lineage_datasets d ON d.id = t.id WHERE t.kind = 'd'
  UNION ALL
  SELECT t.kind, t.id, t.distance, 'job:' || j.namespace || ':' || j.name FROM top t JOIN lineage_jobs j ON j.id = t.id WHERE t.kind = 'j'
)
SELECT json_build_object(
  'nodes', (SELECT coalesce(json_agg(json_build_array(node_id, distance)), '[]'::json) FROM kept),
  'edges', (SELECT coalesce(json_agg(json_build_array(o.node_id, d.node_id)), '[]'::json) FROM (
     SELECT DISTINCT CASE s.dir WHEN 'down' THEN s.parent_id ELSE s.id END AS origin,
                     CASE s.dir WHEN 'down' THEN s.id ELSE s.parent_id END AS destination
     FROM steps s WHERE NOT s.more AND s.parent_id IS NOT NULL) e
     JOIN kept o ON o.id = e.origin
     JOIN kept d ON d.id = e.destination),
  'rows', (SELECT count(*) FROM steps),
  'cut', (SELECT coalesce(bool_or(more), false) FROM steps) OR (SELECT count(*) FROM reached) > $7
)::text AS graph`;

// $1 namespace, $2 name, $3 directions, $4 max level. UNION drops a (level, node) reached twice.
const UNBOUNDED_SQL = `
WITH RECURSIVE walk(lvl, dir, kind, id) AS (
  SELECT 0, s.dir, 'd'::text, d.id
  FROM lineage_datasets d CROSS JOIN unnest($3::text[]) AS s(dir)
  WHERE d.namespace = $1 AND d.name = $2
  UNION
  SELECT w.lvl + 1, w.dir, n.kind, n.id
  FROM walk w
  CROSS JOIN LATERAL (
    SELECT 'j'::text AS kind, e.job_id AS id FROM lineage_edges e
    WHERE w.kind = 'd' AND e.dataset_id = w.id AND e.direction = CASE w.dir WHEN 'down' THEN 'input' ELSE 'output' END
    UNION ALL
    SELECT 'd'::text, e.dataset_id FROM lineage_edges e
    WHERE w.kind = 'j' AND e.job_id = w.id AND e.direction = CASE w.dir WHEN 'down' THEN 'output' ELSE 'input' END
  ) n
  WHERE w.lvl < $4
)
SELECT count(DISTINCT (kind, id)) AS nodes, count(*) AS rows, max(lvl) AS max_level FROM walk`;

export interface TraversalAnswer {
  /** Marquez node ids, sorted. */
  nodeIds: string[];
  edges: number;
  maxDistance: number;
  partial: boolean;
}

export interface BudgetedAnswer extends TraversalAnswer {
  /** Rows the walk produced (the row limit + 1 means it was cut there). */
  rows: number;
}

/** Edges from a dataset for `depth` job hops. */
export const maxLevelOf = (depth: number) => 2 * depth;

/**
 * Runs the budgeted walk; `ms` is from sending the query to receiving its answer (one JSON text,
 * as the API's; neither side's timing includes parsing it).
 */
export async function budgetedTraversal(
  client: Client,
  namespace: string,
  name: string,
  direction: Direction,
  depth: number,
): Promise<{ ms: number; answer: () => BudgetedAnswer }> {
  const rowLimit = NODE_BUDGET * WALK_ROWS_PER_NODE;
  const t0 = process.hrtime.bigint();
  const { rows } = await client.query<{ graph: string }>(BUDGETED_SQL, [
    namespace,
    name,
    DIRS[direction],
    maxLevelOf(depth),
    FAN_OUT_CAP,
    rowLimit,
    NODE_BUDGET,
  ]);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  return {
    ms,
    answer: () => {
      const graph = JSON.parse(rows[0]!.graph) as { nodes: [string, number][]; edges: [string, string][]; rows: number; cut: boolean };
      return {
        nodeIds: graph.nodes.map((n) => n[0]).sort(),
        edges: graph.edges.length,
        maxDistance: graph.nodes.reduce((m, n) => Math.max(m, n[1]), 0),
        partial: graph.cut || graph.rows > rowLimit,
        rows: graph.rows,
      };
    },
  };
}

export interface UnboundedAnswer {
  nodes: number;
  rows: number;
  maxLevel: number;
  ms: number;
  timedOut: boolean;
}

/** The unbounded walk under `timeoutMs` (statement_timeout, on this connection only for the call). */
export async function unboundedTraversal(
  client: Client,
  namespace: string,
  name: string,
  direction: Direction,
  depth: number,
  timeoutMs: number,
): Promise<UnboundedAnswer> {
  await client.query(`SET statement_timeout = ${Math.round(timeoutMs)}`);
  const t0 = process.hrtime.bigint();
  try {
    const { rows } = await client.query<{ nodes: string; rows: string; max_level: number | null }>(UNBOUNDED_SQL, [
      namespace,
      name,
      DIRS[direction],
      maxLevelOf(depth),
    ]);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    return { nodes: Number(rows[0]!.nodes), rows: Number(rows[0]!.rows), maxLevel: rows[0]!.max_level ?? 0, ms, timedOut: false };
  } catch (error) {
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if ((error as { code?: string }).code === '57014') return { nodes: 0, rows: 0, maxLevel: 0, ms, timedOut: true };
    throw error;
  } finally {
    await client.query('SET statement_timeout = 0');
  }
}
