import { useEffect, useMemo, useRef, useState, type FormEvent, type PointerEvent as ReactPointerEvent, type WheelEvent } from 'react';
import { gql } from '../api';
import { graphql } from '../gql';
import type { LineageDirection, LineageQuery } from '../gql/graphql';
import { Link, setQuery, useLocation } from '../router';
import { Empty, ErrorBox, Loading, PageTitle, human } from '../ui';

const LineageDocument = graphql(`
  query Lineage($nodeId: String!, $direction: LineageDirection!, $depth: Int!, $asOf: DateTime, $after: String) {
    lineage(nodeId: $nodeId, direction: $direction, depth: $depth, asOf: $asOf, after: $after, maxNodes: 150) {
      partial
      continuation
      nodes {
        id
        type
        name
        namespace
        field
        distance
        restricted
        truncated
        tags
      }
      edges {
        origin
        destination
        masking
      }
    }
  }
`);

const ColumnLineageDocument = graphql(`
  query ColumnLineage($nodeId: String!, $direction: LineageDirection!, $depth: Int!, $asOf: DateTime, $after: String) {
    columnLineage(nodeId: $nodeId, direction: $direction, depth: $depth, asOf: $asOf, after: $after, maxNodes: 150) {
      partial
      continuation
      nodes {
        id
        type
        name
        namespace
        field
        distance
        restricted
        truncated
        tags
      }
      edges {
        origin
        destination
        masking
      }
    }
  }
`);

type Graph = LineageQuery['lineage'];
type GraphNode = Graph['nodes'][number];
const DIRECTIONS: LineageDirection[] = ['BOTH', 'UPSTREAM', 'DOWNSTREAM'];
const NODE_W = 230;
const NODE_H = 44;
const COL_GAP = 56;
const ROW_GAP = 18;

/**
 * Columns by signed hops from the start: upstream to the left, downstream to the right. Every node
 * at distance 0 is a start (a dataset's fields, in the column view).
 */
function layout(graph: Graph, start: string): Map<string, { x: number; y: number }> {
  const starts = [start, ...graph.nodes.filter((n) => n.distance === 0 && n.id !== start).map((n) => n.id)];
  const layer = new Map<string, number>(starts.map((id) => [id, 0]));
  const queue = [...starts];
  while (queue.length) {
    const id = queue.shift()!;
    const l = layer.get(id)!;
    for (const e of graph.edges) {
      if (e.origin === id && !layer.has(e.destination) && l >= 0) {
        layer.set(e.destination, l + 1);
        queue.push(e.destination);
      } else if (e.destination === id && !layer.has(e.origin) && l <= 0) {
        layer.set(e.origin, l - 1);
        queue.push(e.origin);
      }
    }
  }
  for (const n of graph.nodes) if (!layer.has(n.id)) layer.set(n.id, n.distance);
  const rows = new Map<number, number>();
  const pos = new Map<string, { x: number; y: number }>();
  for (const n of graph.nodes) {
    const l = layer.get(n.id) ?? 0;
    const row = rows.get(l) ?? 0;
    rows.set(l, row + 1);
    pos.set(n.id, { x: l * (NODE_W + COL_GAP), y: row * (NODE_H + ROW_GAP) });
  }
  return pos;
}

const VIEW_W = 1180;
const VIEW_H = 520;

/** The view that shows the whole graph (never enlarged beyond 1:1). */
function fit(pos: Map<string, { x: number; y: number }>): { x: number; y: number; scale: number } {
  const points = [...pos.values()];
  if (points.length === 0) return { x: -40, y: -40, scale: 1 };
  const minX = Math.min(...points.map((p) => p.x)) - 40;
  const minY = Math.min(...points.map((p) => p.y)) - 40;
  const w = Math.max(...points.map((p) => p.x)) + NODE_W + 40 - minX;
  const h = Math.max(...points.map((p) => p.y)) + NODE_H + 40 - minY;
  return { x: minX, y: minY, scale: Math.max(0.3, Math.min(1, VIEW_W / w, VIEW_H / h)) };
}

/** Below this scale node names are too small to read (13 px text at 0.8 is ~10 px). */
const READABLE_SCALE = 0.8;

/**
 * The first view: the whole graph when it fits readably; otherwise readable, around the start node
 * but never past the graph's ends, so no half of the view is empty (pan for the rest).
 */
function firstView(pos: Map<string, { x: number; y: number }>, start: string): { x: number; y: number; scale: number } {
  const whole = fit(pos);
  const s = pos.get(start);
  if (whole.scale >= READABLE_SCALE || !s) return whole;
  const width = VIEW_W / READABLE_SCALE;
  const right = Math.max(...[...pos.values()].map((p) => p.x)) + NODE_W + 40;
  const x = Math.min(Math.max(s.x + NODE_W / 2 - width / 2, whole.x), right - width);
  return { x, y: whole.y, scale: READABLE_SCALE };
}

/** The drawing's height on screen: as tall as the graph at its first scale, within 200–520 px. */
function viewHeight(pos: Map<string, { x: number; y: number }>, scale: number): number {
  const ys = [...pos.values()].map((p) => p.y);
  if (ys.length === 0) return VIEW_H;
  return Math.round(Math.min(VIEW_H, Math.max(200, (Math.max(...ys) - Math.min(...ys) + NODE_H + 80) * scale)));
}

function merge(a: Graph | undefined, b: Graph): Graph {
  if (!a) return b;
  const nodes = new Map(a.nodes.map((n) => [n.id, n]));
  for (const n of b.nodes) nodes.set(n.id, n);
  const edges = new Map(a.edges.map((e) => [`${e.origin}>${e.destination}`, e]));
  for (const e of b.edges) edges.set(`${e.origin}>${e.destination}`, e);
  return { ...b, nodes: [...nodes.values()], edges: [...edges.values()] };
}

function label(n: GraphNode): string {
  if (n.restricted) return 'restricted';
  if (n.type === 'DATASET_FIELD') return `${n.name ?? ''}.${n.field ?? ''}`;
  return n.name ?? n.id;
}

/** A node's two lines: what it is (for a field, of which dataset), then its name. */
function lines(n: GraphNode): { kind: string; name: string } {
  if (n.type === 'DATASET_FIELD' && !n.restricted) return { kind: `field of ${n.name ?? '?'}`, name: n.field ?? '?' };
  return { kind: human(n.type), name: label(n) };
}

export function LineagePage() {
  const { query } = useLocation();
  const node = query.get('node') ?? '';
  const direction = DIRECTIONS.find((d) => d === query.get('direction')) ?? 'BOTH';
  const depth = Math.min(20, Math.max(0, Number(query.get('depth') ?? 3) || 3));
  const asOfDay = query.get('asOf') ?? '';
  const columns = query.get('columns') === '1';
  const [draft, setDraft] = useState(node);
  const [graph, setGraph] = useState<Graph>();
  const [error, setError] = useState<Error>();
  const [loading, setLoading] = useState(false);
  const [view, setView] = useState({ x: -40, y: -40, scale: 1 });
  const drag = useRef<{ x: number; y: number } | undefined>(undefined);

  const fetchPage = async (after: string | undefined) => {
    setLoading(true);
    setError(undefined);
    try {
      const variables = { nodeId: node, direction, depth, asOf: asOfDay ? new Date(asOfDay).toISOString() : undefined, after };
      const page = columns ? (await gql(ColumnLineageDocument, variables)).columnLineage : (await gql(LineageDocument, variables)).lineage;
      setGraph((g) => (after ? merge(g, page) : page));
    } catch (e) {
      setError(e as Error);
    } finally {
      setLoading(false);
    }
  };
  useEffect(() => {
    setDraft(node);
    setGraph(undefined);
    if (node) void fetchPage(undefined);
    // fetchPage reads exactly these inputs.
  }, [node, direction, depth, asOfDay, columns]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setQuery({ node: draft.trim() });
  };
  const pos = useMemo(
    () => (graph ? layout(graph, graph.nodes.find((n) => n.distance === 0)?.id ?? node) : new Map<string, { x: number; y: number }>()),
    [graph, node],
  );
  const startId = graph?.nodes.find((n) => n.distance === 0)?.id ?? node;
  const height = useMemo(() => viewHeight(pos, firstView(pos, startId).scale), [pos, startId]);
  useEffect(() => setView(firstView(pos, startId)), [pos, startId]);
  const onWheel = (e: WheelEvent) => setView((v) => ({ ...v, scale: Math.min(3, Math.max(0.3, v.scale * (e.deltaY < 0 ? 1.1 : 0.9))) }));
  const onDown = (e: ReactPointerEvent) => {
    drag.current = { x: e.clientX, y: e.clientY };
    e.currentTarget.setPointerCapture(e.pointerId);
  };
  const onMove = (e: ReactPointerEvent) => {
    if (!drag.current) return;
    const dx = e.clientX - drag.current.x;
    const dy = e.clientY - drag.current.y;
    drag.current = { x: e.clientX, y: e.clientY };
    setView((v) => ({ ...v, x: v.x - dx / v.scale, y: v.y - dy / v.scale }));
  };
  const expand = (n: GraphNode) => !n.restricted && setQuery({ node: n.id });

  return (
    <section>
      <PageTitle sub="Where data comes from and where it goes. Drag to pan, scroll or use +/− to zoom; select a node to centre on it.">Lineage</PageTitle>
      <form className="filters" onSubmit={submit} role="search" aria-label="Lineage query">
        <label>
          Start node
          <input value={draft} onChange={(e) => setDraft(e.target.value)} placeholder="dataset:<namespace>:<name>" required />
        </label>
        <label>
          Direction
          <select value={direction} onChange={(e) => setQuery({ direction: e.target.value })}>
            {DIRECTIONS.map((d) => (
              <option key={d} value={d}>
                {human(d)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Depth
          <input type="number" min={0} max={20} value={depth} onChange={(e) => setQuery({ depth: e.target.value })} />
        </label>
        <label>
          As of
          <input type="date" value={asOfDay} onChange={(e) => setQuery({ asOf: e.target.value })} />
        </label>
        <label className="inline">
          <input type="checkbox" checked={columns} onChange={(e) => setQuery({ columns: e.target.checked ? '1' : undefined })} /> column level
        </label>
        <div className="actions">
          <button type="submit" className="primary">
            Show
          </button>
        </div>
      </form>
      {error && <ErrorBox error={error} retry={() => void fetchPage(undefined)} />}
      {!node && <Empty>Enter a node id, e.g. dataset:warehouse:public.orders, or open lineage from a dataset page.</Empty>}
      {node && !graph && loading && <Loading what="lineage" />}
      {graph && graph.nodes.length <= 1 && graph.edges.length === 0 && <Empty>No lineage recorded for this node in this direction and period.</Empty>}
      {graph && graph.nodes.length > 0 && (
        <>
          <div className="actions graph-tools">
            <button type="button" aria-label="Zoom in" onClick={() => setView((v) => ({ ...v, scale: Math.min(3, v.scale * 1.2) }))}>
              +
            </button>
            <button type="button" aria-label="Zoom out" onClick={() => setView((v) => ({ ...v, scale: Math.max(0.3, v.scale / 1.2) }))}>
              −
            </button>
            <button type="button" onClick={() => setView(fit(pos))}>
              Fit to view
            </button>
            <span className="muted">
              {graph.nodes.length} nodes, {graph.edges.length} edges{graph.partial ? ' — partial' : ''}
            </span>
            {graph.partial && graph.continuation && (
              <button type="button" className="primary" disabled={loading} onClick={() => void fetchPage(graph.continuation ?? undefined)}>
                Load more
              </button>
            )}
          </div>
          <LineageSvg
            graph={graph}
            pos={pos}
            view={view}
            height={height}
            onWheel={onWheel}
            onDown={onDown}
            onMove={onMove}
            onUp={() => (drag.current = undefined)}
            expand={expand}
          />
          <details>
            <summary>Nodes as a list</summary>
            <ul>
              {graph.nodes.map((n) => (
                <li key={n.id}>
                  {n.restricted ? (
                    'restricted node'
                  ) : n.type === 'DATASET' && n.namespace && n.name ? (
                    <Link to={`/datasets/${encodeURIComponent(n.namespace)}/${encodeURIComponent(n.name)}`}>{label(n)}</Link>
                  ) : (
                    label(n)
                  )}{' '}
                  <span className="muted">
                    {human(n.type)}, {n.distance} hops
                  </span>
                </li>
              ))}
            </ul>
          </details>
        </>
      )}
    </section>
  );
}

function LineageSvg({
  graph,
  pos,
  view,
  height,
  onWheel,
  onDown,
  onMove,
  onUp,
  expand,
}: {
  graph: Graph;
  pos: Map<string, { x: number; y: number }>;
  view: { x: number; y: number; scale: number };
  height: number;
  onWheel: (e: WheelEvent) => void;
  onDown: (e: ReactPointerEvent) => void;
  onMove: (e: ReactPointerEvent) => void;
  onUp: () => void;
  expand: (n: GraphNode) => void;
}) {
  const width = VIEW_W;
  return (
    <svg
      className="graph"
      style={{ height }}
      viewBox={`${view.x} ${view.y} ${width / view.scale} ${height / view.scale}`}
      role="group"
      aria-label="Lineage graph"
      onWheel={onWheel}
      onPointerDown={onDown}
      onPointerMove={onMove}
      onPointerUp={onUp}
    >
      <defs>
        <clipPath id="node-clip">
          <rect width={NODE_W - 6} height={NODE_H} />
        </clipPath>
        <marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
          <path d="M 0 0 L 10 5 L 0 10 z" className="edge-head" />
        </marker>
      </defs>
      {graph.edges.map((e) => {
        const a = pos.get(e.origin);
        const b = pos.get(e.destination);
        if (!a || !b) return null;
        const x1 = a.x + NODE_W;
        const y1 = a.y + NODE_H / 2;
        const x2 = b.x;
        const y2 = b.y + NODE_H / 2;
        const mid = (x1 + x2) / 2;
        return (
          <path
            key={`${e.origin}>${e.destination}`}
            d={`M ${x1} ${y1} C ${mid} ${y1}, ${mid} ${y2}, ${x2} ${y2}`}
            className={e.masking ? 'edge masked' : 'edge'}
            markerEnd="url(#arrow)"
          />
        );
      })}
      {graph.nodes.map((n) => {
        const p = pos.get(n.id);
        if (!p) return null;
        const { kind, name } = lines(n);
        return (
          <g
            key={n.id}
            transform={`translate(${p.x} ${p.y})`}
            className={`node ${n.type.toLowerCase()}${n.restricted ? ' restricted' : ''}${n.distance === 0 ? ' start' : ''}`}
            tabIndex={n.restricted ? -1 : 0}
            role="button"
            aria-label={`${kind} ${name}${n.truncated ? ' more… (neighbours not shown yet)' : ''}`}
            onPointerDown={(e) => e.stopPropagation()}
            onClick={() => expand(n)}
            onKeyDown={(e) => (e.key === 'Enter' || e.key === ' ') && expand(n)}
          >
            <title>{n.restricted ? 'You may not read this node' : n.id}</title>
            <rect width={NODE_W} height={NODE_H} rx={n.type === 'JOB' ? 20 : 4} />
            {/* One text element, so the visible text reads as the accessible name does (WCAG 2.5.3);
                clipped to the box, the full name being in the name and the tooltip. */}
            <text clipPath="url(#node-clip)">
              <tspan x={10} y={18} className="node-type">
                {kind}
              </tspan>{' '}
              <tspan x={10} y={35} className="node-name">
                {name}
              </tspan>
              {n.truncated && (
                <>
                  {' '}
                  <tspan x={NODE_W - 10} y={18} className="node-type" textAnchor="end">
                    more…
                  </tspan>
                </>
              )}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
