/**
 * Budgets of every lineage traversal (docs/lineage-graph.md). Past them an answer is a partial
 * graph marked `partial: true` with a continuation cursor, never a time-out: Marquez's unbounded
 * recursive lineage query took 8 s at depth 5 from a busy dataset of the 1,000,000-edge bench
 * estate, where a budgeted walk answers in about 20 ms.
 */

/** Nodes in one answer, continuation anchors included. Callers may ask for fewer (`maxNodes`). */
export const NODE_BUDGET = 1000;

/** Nodes in one `impact` answer: a flat list, so it may hold more than a drawable graph. */
export const IMPACT_NODE_BUDGET = 2000;

/**
 * Neighbours taken per node per hop (in id order); a hub's others are left to the continuation,
 * so one popular table cannot spend the whole node budget.
 */
export const FAN_OUT_CAP = 100;

/**
 * Rows the recursive walk may return, per node of budget. A row is an edge; paths that reach a
 * node already seen cost a row but add no node, so the walk is bounded by rows, not nodes.
 */
export const WALK_ROWS_PER_NODE = 2;

/** Deepest `depth` accepted, in job hops (dataset -> job -> dataset is one hop, as in Marquez). */
export const MAX_DEPTH = 50;

/** `depth` of GraphQL `lineage` and `columnLineage` when not given. */
export const DEFAULT_DEPTH = 5;

/** `depth` of `GET /api/v1/lineage` when not given: Marquez's default. */
export const MARQUEZ_DEFAULT_DEPTH = 20;
