import ELK from 'elkjs/lib/elk.bundled.js';
import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api';
import type { LineageGraph, LineageNodeKind } from '../pack/pack.types';
import { COLORS, FONT, FONT_BOLD, drawText, type PdfWriter } from './pdf-writer';

/** More nodes than this are summarised: a box per (kind, namespace), or per (kind, distance). */
export const MAX_DRAWN_NODES = 80;

const NODE_WIDTH = 124;
const NODE_HEIGHT = 26;
/** Below this scale labels (7.5 pt) would print under ~5.6 pt: the diagram is tiled over pages instead. */
const MIN_SCALE = 0.75;

export interface DiagramNode {
  id: string;
  kind: LineageNodeKind;
  /** Small first line (kind and namespace). */
  caption: string;
  /** Bold second line (name, or a count for a group). */
  title: string;
  root: boolean;
  /** Members of a summarised group; 1 for a plain node. */
  members: number;
}

export interface DiagramEdge {
  from: string;
  to: string;
  /** Edges folded into this one by summarising. */
  count: number;
}

export interface DiagramGraph {
  nodes: DiagramNode[];
  edges: DiagramEdge[];
  /** How the graph was summarised, or null if drawn as is. */
  summary: string | null;
}

const PLURAL: Record<LineageNodeKind, string> = { dataset: 'datasets', job: 'jobs', model: 'models' };

/**
 * The graph to draw: as is up to MAX_DRAWN_NODES; otherwise non-root nodes collapse into one box per
 * (kind, namespace) and, if that is still too many, per (kind, hops from the root). Counts stay on
 * the boxes and edges, so nothing is silently dropped.
 */
export function summariseGraph(graph: LineageGraph, maxNodes = MAX_DRAWN_NODES): DiagramGraph {
  const plain = (): DiagramGraph => ({
    nodes: graph.nodes.map((n) => ({ id: n.id, kind: n.kind, caption: `${n.kind} · ${n.namespace}`, title: n.name, root: n.root === true, members: 1 })),
    edges: foldEdges(graph, (id) => id),
    summary: null,
  });
  if (graph.nodes.length <= maxNodes) return plain();

  const byNamespace = collapse(
    graph,
    (n) => `group:${n.kind}:${n.namespace}`,
    (kind, key, count) => ({ caption: `${kind} · ${key.split(':').slice(2).join(':')}`, title: `${count} ${PLURAL[kind]}` }),
  );
  // A namespace usually spans several pipeline stages; if its boxes then form cycles, the left-to-right
  // reading is lost, and grouping by distance (which follows the flow) is clearer.
  if (byNamespace.nodes.length <= maxNodes && !hasCycle(byNamespace.edges))
    return {
      ...byNamespace,
      summary: `${graph.nodes.length} nodes, summarised as one box per kind and namespace (${byNamespace.nodes.length} boxes).`,
    };

  const distance = hopsFromRoot(graph);
  const byDistance = collapse(
    graph,
    (n) => `group:${n.kind}:${distance.get(n.id) ?? 'unconnected'}`,
    (kind, key, count) => {
      const hops = key.split(':')[2];
      return {
        caption: hops === 'unconnected' ? `${kind} · not connected to the root` : `${kind} · ${hops} hop(s) from the root`,
        title: `${count} ${PLURAL[kind]}`,
      };
    },
  );
  return {
    ...byDistance,
    summary: `${graph.nodes.length} nodes, summarised as one box per kind and distance from the root (${byDistance.nodes.length} boxes).`,
  };
}

function collapse(
  graph: LineageGraph,
  groupOf: (n: LineageGraph['nodes'][number]) => string,
  describe: (kind: LineageNodeKind, key: string, count: number) => { caption: string; title: string },
): Omit<DiagramGraph, 'summary'> {
  const groupIds = new Map<string, string>();
  const members = new Map<string, { kind: LineageNodeKind; count: number }>();
  const nodes: DiagramNode[] = [];
  for (const n of graph.nodes) {
    if (n.root) {
      groupIds.set(n.id, n.id);
      nodes.push({ id: n.id, kind: n.kind, caption: `${n.kind} · ${n.namespace}`, title: n.name, root: true, members: 1 });
      continue;
    }
    const key = groupOf(n);
    groupIds.set(n.id, key);
    const m = members.get(key) ?? { kind: n.kind, count: 0 };
    m.count += 1;
    members.set(key, m);
  }
  for (const [key, m] of [...members].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    nodes.push({ id: key, kind: m.kind, ...describe(m.kind, key, m.count), root: false, members: m.count });
  }
  return { nodes, edges: foldEdges(graph, (id) => groupIds.get(id) ?? id) };
}

function foldEdges(graph: LineageGraph, map: (id: string) => string): DiagramEdge[] {
  const known = new Set(graph.nodes.map((n) => n.id));
  const folded = new Map<string, DiagramEdge>();
  for (const e of graph.edges) {
    if (!known.has(e.from) || !known.has(e.to)) continue;
    const from = map(e.from);
    const to = map(e.to);
    if (from === to) continue;
    const key = `${from}\u0000${to}`;
    const edge = folded.get(key) ?? { from, to, count: 0 };
    edge.count += 1;
    folded.set(key, edge);
  }
  return [...folded.values()].sort((a, b) => (a.from + a.to < b.from + b.to ? -1 : 1));
}

function hasCycle(edges: DiagramEdge[]): boolean {
  const out = new Map<string, string[]>();
  for (const e of edges) out.set(e.from, [...(out.get(e.from) ?? []), e.to]);
  const state = new Map<string, 'open' | 'done'>();
  const visit = (id: string): boolean => {
    if (state.get(id) === 'open') return true;
    if (state.get(id) === 'done') return false;
    state.set(id, 'open');
    for (const next of out.get(id) ?? []) if (visit(next)) return true;
    state.set(id, 'done');
    return false;
  };
  return [...out.keys()].some((id) => visit(id));
}

/** Undirected hop count from the root node(s). */
function hopsFromRoot(graph: LineageGraph): Map<string, number> {
  const neighbours = new Map<string, string[]>();
  for (const e of graph.edges) {
    neighbours.set(e.from, [...(neighbours.get(e.from) ?? []), e.to]);
    neighbours.set(e.to, [...(neighbours.get(e.to) ?? []), e.from]);
  }
  const distance = new Map<string, number>();
  let frontier = graph.nodes.filter((n) => n.root).map((n) => n.id);
  frontier.forEach((id) => distance.set(id, 0));
  for (let d = 1; frontier.length > 0; d += 1) {
    const next: string[] = [];
    for (const id of frontier)
      for (const other of neighbours.get(id) ?? [])
        if (!distance.has(other)) {
          distance.set(other, d);
          next.push(other);
        }
    frontier = next;
  }
  return distance;
}

interface Laid {
  width: number;
  height: number;
  nodes: Map<string, { x: number; y: number; node: DiagramNode }>;
  edges: { points: { x: number; y: number }[]; count: number }[];
}

/** Layered left-to-right layout (ELK). Deterministic: fixed input order and ELK's fixed seed. */
export async function layoutDiagram(diagram: DiagramGraph, wrap = diagram.summary !== null): Promise<Laid> {
  const elk = new ELK();
  const root: ElkNode = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.edgeRouting': 'ORTHOGONAL',
      'elk.randomSeed': '1',
      'elk.spacing.nodeNode': '8',
      'elk.layered.spacing.nodeNodeBetweenLayers': '24',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
      'elk.separateConnectedComponents': 'true',
      // A summary by distance is one long chain of boxes: it wraps into rows instead of running
      // over many pages. Real graphs wrap only when that makes them fit one page (see drawLineageDiagram).
      ...(wrap ? { 'elk.layered.wrapping.strategy': 'MULTI_EDGE', 'elk.aspectRatio': '3.2' } : {}),
    },
    children: diagram.nodes.map((n) => ({ id: n.id, width: NODE_WIDTH, height: NODE_HEIGHT })),
    edges: diagram.edges.map((e, i): ElkExtendedEdge => ({ id: `e${i}`, sources: [e.from], targets: [e.to] })),
  };
  const out = await elk.layout(root);
  const byId = new Map(diagram.nodes.map((n) => [n.id, n]));
  const nodes = new Map<string, { x: number; y: number; node: DiagramNode }>();
  for (const c of out.children ?? []) nodes.set(c.id, { x: c.x ?? 0, y: c.y ?? 0, node: byId.get(c.id)! });
  const edges = (out.edges ?? []).map((e, i) => {
    const section = e.sections?.[0];
    const points = section ? [section.startPoint, ...(section.bendPoints ?? []), section.endPoint] : [];
    return { points, count: diagram.edges[i]?.count ?? 1 };
  });
  return { width: out.width ?? 0, height: out.height ?? 0, nodes, edges };
}

/**
 * Draws the diagram on landscape pages, starting on the current one (the caller opens the section
 * on a landscape page): one page when it fits at MIN_SCALE or more, otherwise tiles at MIN_SCALE
 * with their position printed, so it is never cropped nor shrunk illegibly.
 */
export async function drawLineageDiagram(w: PdfWriter, title: string, graph: LineageGraph): Promise<void> {
  const diagram = summariseGraph(graph);
  let laid = await layoutDiagram(diagram);
  const doc = w.doc;
  const notes = [
    `${graph.nodes.length} nodes, ${graph.edges.length} edges; data flows left to right. Every node is listed after the diagram.`,
    diagram.summary,
    graph.truncated ? 'The gatherer stopped at its node budget: the graph continues beyond what is shown.' : null,
  ].filter((s): s is string => s !== null);
  const header = (heading: string | null): void => {
    if (heading !== null) doc.font(FONT_BOLD).fontSize(12).fillColor(COLORS.text).text(heading, w.left, doc.page.margins.top, { width: w.width });
    doc
      .font(FONT)
      .fontSize(8)
      .fillColor(COLORS.muted)
      .text(notes.join(' '), w.left, doc.y + 2, { width: w.width });
    doc.fillColor(COLORS.text);
  };
  header(null);
  const areaTop = doc.y + 8;
  const areaWidth = w.width;
  const areaHeight = w.bottom - areaTop;
  // A little room around the layout so the root's thicker border is not clipped at the edge.
  const pad = 4;
  const fits = (l: Laid) => Math.min(1, areaWidth / (l.width + 2 * pad), areaHeight / (l.height + 2 * pad));
  // A long thin pipeline (a chain of a few stages) is wider than the page but short: wrapped into
  // rows it fits one page legibly, which beats splitting nine boxes over two pages.
  if (fits(laid) < MIN_SCALE && diagram.summary === null) {
    const wrapped = await layoutDiagram(diagram, true);
    if (fits(wrapped) >= MIN_SCALE) laid = wrapped;
  }
  const fit = fits(laid);
  const scale = Math.max(fit, MIN_SCALE);
  // Tiles overlap by a node's width, so a box cut at one tile's edge is whole on the next.
  const overlap = NODE_WIDTH * scale;
  const stepX = areaWidth - overlap;
  const stepY = areaHeight - NODE_HEIGHT * 2 * scale;
  const columns = Math.max(1, Math.ceil(((laid.width + 2 * pad) * scale - overlap) / stepX));
  const rows = Math.max(1, Math.ceil(((laid.height + 2 * pad) * scale - NODE_HEIGHT * 2 * scale) / stepY));
  for (let r = 0; r < rows; r += 1) {
    for (let c = 0; c < columns; c += 1) {
      if (r > 0 || c > 0) {
        w.addPage('landscape');
        header(`${title} (continued: part ${r * columns + c + 1} of ${rows * columns}, row ${r + 1}, column ${c + 1}; parts overlap at their edges)`);
      }
      doc.save();
      doc.rect(w.left, areaTop, areaWidth, areaHeight).clip();
      doc.translate(w.left - c * stepX, areaTop - r * stepY);
      doc.scale(scale);
      doc.translate(pad, pad);
      drawLaid(doc, laid);
      doc.restore();
    }
  }
  doc.fillColor(COLORS.text);
}

function drawLaid(doc: PDFKit.PDFDocument, laid: Laid): void {
  for (const edge of laid.edges) {
    const [first, ...rest] = edge.points;
    if (!first) continue;
    doc.moveTo(first.x, first.y);
    for (const p of rest) doc.lineTo(p.x, p.y);
    doc
      .lineWidth(edge.count > 1 ? 1.4 : 0.8)
      .strokeColor(COLORS.muted)
      .stroke();
    const end = edge.points.at(-1)!;
    const before = edge.points.at(-2) ?? first;
    const angle = Math.atan2(end.y - before.y, end.x - before.x);
    const size = 5;
    doc
      .moveTo(end.x, end.y)
      .lineTo(end.x - size * Math.cos(angle - 0.4), end.y - size * Math.sin(angle - 0.4))
      .lineTo(end.x - size * Math.cos(angle + 0.4), end.y - size * Math.sin(angle + 0.4))
      .closePath()
      .fill(COLORS.muted);
    if (edge.count > 1 && rest.length > 0) {
      const mid = edge.points[Math.floor(edge.points.length / 2)]!;
      doc
        .font(FONT)
        .fontSize(6.5)
        .fillColor(COLORS.muted)
        .text(`×${edge.count}`, mid.x + 2, mid.y - 8, { lineBreak: false });
    }
  }
  for (const { x, y, node } of laid.nodes.values()) {
    const fill = node.members > 1 ? COLORS.group : COLORS[node.kind];
    doc.roundedRect(x, y, NODE_WIDTH, NODE_HEIGHT, 3).fill(fill);
    doc
      .roundedRect(x, y, NODE_WIDTH, NODE_HEIGHT, 3)
      .lineWidth(node.root ? 2 : 0.6)
      .strokeColor(node.root ? COLORS.accent : COLORS.rule)
      .stroke();
    doc.font(FONT).fontSize(6.5).fillColor(COLORS.muted);
    drawText(doc, fitText(doc, node.caption, NODE_WIDTH - 8), x + 4, y + 3, { lineBreak: false });
    doc.font(FONT_BOLD).fontSize(7.5).fillColor(COLORS.text);
    drawText(doc, fitText(doc, node.title, NODE_WIDTH - 8), x + 4, y + 13, { lineBreak: false }, true);
  }
}

/** Shortens with an ellipsis in the middle, so both a path's start and its distinctive end stay. */
function fitText(doc: PDFKit.PDFDocument, text: string, width: number): string {
  if (doc.widthOfString(text) <= width) return text;
  let keep = text.length;
  while (keep > 4) {
    keep -= 1;
    const head = Math.ceil(keep / 2);
    const candidate = `${text.slice(0, head)}…${text.slice(text.length - (keep - head))}`;
    if (doc.widthOfString(candidate) <= width) return candidate;
  }
  return '…';
}
