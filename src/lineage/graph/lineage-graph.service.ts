import { Injectable } from '@nestjs/common';
import type { Principal } from '../../auth/principal';
import { AuthorizationService } from '../../authz/authorization.service';
import { AppError, requireValidDate } from '../../common/app-error';
import { decodeContinuation, encodeContinuation, queryFingerprint } from './continuation';
import { assembleWalk, seedsPerPage, type AssembledWalk, type WalkDirection, type WalkSeed } from './graph-walk';
import { LineageAccess, toNodeView, type NodeFacts, type NodeView } from './lineage-access';
import { LineageCatalogRepository, type DatasetDetailsRow, type JobDetailsRow } from './lineage-catalog.repository';
import { FAN_OUT_CAP, IMPACT_NODE_BUDGET, MAX_DEPTH, NODE_BUDGET, WALK_ROWS_PER_NODE } from './lineage-graph.limits';
import { LineageGraphRepository, fieldKey, splitFieldKey, type ColumnEdgeData, type NodeRefRow } from './lineage-graph.repository';
import { parseNodeId, type NodeId } from './node-id';
import { LineageCatalogService, type RunView } from './lineage-catalog.service';

export type LineageDirection = 'UPSTREAM' | 'DOWNSTREAM' | 'BOTH';

export interface LineageQuery {
  nodeId: string;
  direction: LineageDirection;
  /** Job hops for `lineage`; column edges for `columnLineage`. */
  depth: number;
  asOf?: Date | null;
  maxNodes?: number | null;
  after?: string | null;
}

export type ImpactQuery = Omit<LineageQuery, 'direction' | 'depth'>;

export interface GraphNodeView extends NodeView {
  distance: number;
  truncated: boolean;
}

export interface GraphEdgeView {
  origin: string;
  destination: string;
  /** Column edges only. */
  transformations: unknown[] | null;
  masking: boolean | null;
}

export interface GraphView {
  nodes: GraphNodeView[];
  edges: GraphEdgeView[];
  partial: boolean;
  continuation: string | null;
  asOf: Date | null;
}

export interface ImpactView extends Omit<GraphView, 'edges'> {
  root: GraphNodeView;
  owners: string[];
  restrictedCount: number;
  /** Model versions trained or evaluated on the root or a downstream dataset, or trained by such a job. */
  models: ModelVersionNodeView[];
}

/** A model version in an impact answer; restricted (names hidden) without model.read in its domain. */
export interface ModelVersionNodeView {
  id: string;
  restricted: boolean;
  modelName: string | null;
  version: string | null;
  stage: string | null;
  domain: string | null;
  owner: string | null;
  distance: number;
}

/** What `GET /api/v1/lineage` draws: the graph, and the details Marquez puts in each node's `data`. */
export interface MarquezGraphView {
  graph: GraphView;
  datasets: Map<string, DatasetDetailsRow>;
  jobs: Map<string, JobDetailsRow>;
  latestRuns: Map<string, RunView>;
}

const DIRECTIONS: Record<LineageDirection, WalkDirection[]> = { UPSTREAM: ['up'], DOWNSTREAM: ['down'], BOTH: ['down', 'up'] };

/**
 * Reads the lineage graph: traversals under a node budget and a per-hop fan-out cap, with
 * continuation, and access per node domain (restricted nodes stay as placeholders).
 */
@Injectable()
export class LineageGraphService {
  constructor(
    private readonly graph: LineageGraphRepository,
    private readonly catalog: LineageCatalogRepository,
    private readonly catalogService: LineageCatalogService,
    private readonly authorization: AuthorizationService,
  ) {}

  /** Job-level lineage of a dataset or job: `depth` job hops up, down or both. */
  async lineage(principal: Principal, q: LineageQuery): Promise<GraphView> {
    const depth = checkDepth(q.depth);
    const budget = checkMaxNodes(q.maxNodes, NODE_BUDGET);
    const asOf = q.asOf ? requireValidDate('asOf', q.asOf) : null;
    const id = parseNodeId(q.nodeId);
    if (id.type === 'DATASET_FIELD') throw AppError.badInput('nodeId', 'lineage takes dataset: and job: node ids; use columnLineage for datasetField: ids');
    const access = new LineageAccess(this.authorization, principal);
    const root = await this.resolveRoot(id, q.nodeId, access);
    const fingerprint = queryFingerprint(['lineage', q.nodeId, q.direction, depth, asOf?.toISOString() ?? null]);
    const seeds = q.after ? decodeContinuation(q.after, fingerprint) : rootSeeds(root.key, q.direction);
    // Depth counts jobs, as Marquez does: a dataset's depth d spans 2d edges; a job's d spans 2d + 1
    // (its own datasets are hop 0).
    const maxLevel = 2 * depth + (id.type === 'JOB' ? 1 : 0);
    const walk = await this.walk(seeds, budget, maxLevel, asOf, 'jobs');
    return this.presentJobGraph(walk, access, fingerprint, asOf);
  }

  /** Field-level lineage from the columnLineage facet: of one field, or of every field of a dataset. */
  async columnLineage(principal: Principal, q: LineageQuery): Promise<GraphView> {
    const depth = checkDepth(q.depth);
    const budget = checkMaxNodes(q.maxNodes, NODE_BUDGET);
    const asOf = q.asOf ? requireValidDate('asOf', q.asOf) : null;
    const id = parseNodeId(q.nodeId);
    if (id.type === 'JOB') throw AppError.badInput('nodeId', 'columnLineage takes dataset: and datasetField: node ids');
    const access = new LineageAccess(this.authorization, principal);
    const root = await this.resolveRoot(id, q.nodeId, access);
    const fingerprint = queryFingerprint(['columnLineage', q.nodeId, q.direction, depth, asOf?.toISOString() ?? null]);
    let seeds: WalkSeed[];
    if (q.after) seeds = decodeContinuation(q.after, fingerprint);
    else {
      const fields = root.field !== undefined ? [root.field] : await this.graph.findKnownFields(root.id);
      seeds = fields.flatMap((f) => rootSeeds(fieldKey(root.id, f), q.direction));
    }
    const walk = await this.walk(seeds, budget, depth, asOf, 'columns');
    return this.presentColumnGraph(walk, access, fingerprint, asOf);
  }

  /** Everything downstream of a node, whatever the depth (up to MAX_DEPTH), with owners. */
  async impact(principal: Principal, q: ImpactQuery): Promise<ImpactView> {
    const budget = checkMaxNodes(q.maxNodes, IMPACT_NODE_BUDGET);
    const asOf = q.asOf ? requireValidDate('asOf', q.asOf) : null;
    const id = parseNodeId(q.nodeId);
    if (id.type === 'DATASET_FIELD') throw AppError.badInput('nodeId', 'impact takes dataset: and job: node ids');
    const access = new LineageAccess(this.authorization, principal);
    const root = await this.resolveRoot(id, q.nodeId, access);
    const fingerprint = queryFingerprint(['impact', q.nodeId, asOf?.toISOString() ?? null]);
    const seeds = q.after ? decodeContinuation(q.after, fingerprint) : rootSeeds(root.key, 'DOWNSTREAM');
    const walk = await this.walk(seeds, budget, 2 * MAX_DEPTH + (id.type === 'JOB' ? 1 : 0), asOf, 'jobs');
    const { nodes, partial, continuation } = await this.presentJobGraph(walk, access, fingerprint, asOf);
    const rootView: GraphNodeView = {
      ...toNodeView({ ...root.facts, key: root.key }, access),
      distance: 0,
      truncated: walk.nodes.get(root.key)?.truncated ?? false,
    };
    const downstream = nodes.filter((n) => n.key !== root.key);
    const owners = [...new Set(downstream.flatMap((n) => (n.owner ? [n.owner] : [])))].sort();
    const models = await this.linkedModels(principal, [rootView, ...downstream]);
    return { root: rootView, nodes: downstream, owners, restrictedCount: downstream.filter((n) => n.restricted).length, models, partial, continuation, asOf };
  }

  /** One entry per model version, at one hop beyond the nearest dataset or job that links it. */
  private async linkedModels(principal: Principal, nodes: GraphNodeView[]): Promise<ModelVersionNodeView[]> {
    const distance = new Map(nodes.map((n) => [n.key.slice(2), n.distance]));
    const of = (type: 'd' | 'j') => nodes.filter((n) => n.key.startsWith(`${type}:`)).map((n) => n.key.slice(2));
    const rows = await this.graph.modelVersionsLinkedTo(of('d'), of('j'));
    const byId = new Map<string, ModelVersionNodeView>();
    for (const r of rows) {
      const d = (distance.get(r.dataset_id ?? r.job_id ?? '') ?? 0) + 1;
      const seen = byId.get(r.id);
      if (seen) {
        seen.distance = Math.min(seen.distance, d);
        continue;
      }
      const readable = this.authorization.check(principal, 'model.read', r.domain).allowed;
      byId.set(r.id, {
        id: readable ? `modelVersion:${r.model_name}:${r.version}` : `modelVersion:~restricted:${r.id}`,
        restricted: !readable,
        modelName: readable ? r.model_name : null,
        version: readable ? r.version : null,
        stage: readable ? r.stage : null,
        domain: readable ? r.domain : null,
        owner: readable ? r.owner : null,
        distance: d,
      });
    }
    return [...byId.values()];
  }

  /** `lineage` in both directions, with the details Marquez's response carries for visible nodes. */
  async marquezLineage(principal: Principal, nodeId: string, depth: number): Promise<MarquezGraphView> {
    const graph = await this.lineage(principal, { nodeId, direction: 'BOTH', depth });
    const visible = graph.nodes.filter((n) => !n.restricted);
    const datasetIds = visible.filter((n) => n.type === 'DATASET').map((n) => n.key.slice(2));
    const jobIds = visible.filter((n) => n.type === 'JOB').map((n) => n.key.slice(2));
    const [datasets, jobs, latestRuns] = await Promise.all([
      this.catalog.findDatasetDetails(datasetIds, null),
      this.catalog.findJobDetails(jobIds, null),
      this.catalogService.latestRuns(principal, jobIds),
    ]);
    return { graph, datasets: new Map(datasets.map((d) => [d.id, d])), jobs: new Map(jobs.map((j) => [j.id, j])), latestRuns };
  }

  /** The start node; NOT_FOUND when it does not exist or the caller may not read it (same answer). */
  private async resolveRoot(id: NodeId, nodeId: string, access: LineageAccess) {
    let ref: (NodeRefRow & { field?: string }) | null;
    if (id.type === 'DATASET_FIELD') {
      ref = (await this.graph.findFieldRefs(id.namespace, [{ name: id.name, field: id.field }, ...id.alternatives]))[0] ?? null;
    } else {
      ref = id.type === 'DATASET' ? await this.graph.findDatasetRef(id.namespace, id.name) : await this.graph.findJobRef(id.namespace, id.name);
    }
    if (!ref || !access.can(ref.domain)) throw AppError.notFound(`node ${nodeId}`);
    const key = id.type === 'JOB' ? `j:${ref.id}` : id.type === 'DATASET' ? `d:${ref.id}` : fieldKey(ref.id, ref.field!);
    return {
      id: ref.id,
      field: ref.field,
      key,
      facts: { type: id.type, namespace: ref.namespace, name: ref.name, field: ref.field, domain: ref.domain, owner: ref.owner, tags: ref.tags },
    };
  }

  private async walk(seeds: WalkSeed[], budget: number, maxLevel: number, asOf: Date | null, graph: 'jobs'): Promise<AssembledWalk>;
  private async walk(seeds: WalkSeed[], budget: number, maxLevel: number, asOf: Date | null, graph: 'columns'): Promise<AssembledWalk<ColumnEdgeData>>;
  private async walk(seeds: WalkSeed[], budget: number, maxLevel: number, asOf: Date | null, graph: 'jobs' | 'columns'): Promise<AssembledWalk<unknown>> {
    // A page expands at most half a budget of seeds, so new nodes always fit; the rest wait.
    const now = seeds.slice(0, seedsPerPage(budget));
    const later = seeds.slice(now.length);
    if (now.length === 0) return { nodes: new Map(), edges: [], next: [] };
    const rowLimit = budget * WALK_ROWS_PER_NODE;
    const bounds = { maxLevel, fanOutCap: FAN_OUT_CAP, rowLimit, asOf };
    const rows = graph === 'jobs' ? await this.graph.walkJobGraph(now, bounds) : await this.graph.walkColumnGraph(now, bounds);
    return assembleWalk<unknown>(rows, now, { budget, rowLimit, maxLevel }, later);
  }

  private async presentJobGraph(walk: AssembledWalk, access: LineageAccess, fingerprint: Buffer, asOf: Date | null): Promise<GraphView> {
    const keys = [...walk.nodes.keys()];
    const summaries = await this.graph.findNodeSummaries(
      keys.filter((k) => k.startsWith('d:')).map((k) => k.slice(2)),
      keys.filter((k) => k.startsWith('j:')).map((k) => k.slice(2)),
    );
    const facts = new Map(
      summaries.map((s) => [`${s.kind}:${s.id}`, { ...s, key: `${s.kind}:${s.id}`, type: s.kind === 'd' ? ('DATASET' as const) : ('JOB' as const) }]),
    );
    return present(walk, facts, access, fingerprint, asOf);
  }

  private async presentColumnGraph(walk: AssembledWalk<ColumnEdgeData>, access: LineageAccess, fingerprint: Buffer, asOf: Date | null): Promise<GraphView> {
    const summaries = await this.graph.findFieldSummaries([...walk.nodes.keys()].map(splitFieldKey));
    const facts = new Map(
      summaries.map((s) => {
        const key = fieldKey(s.dataset_id, s.field);
        return [
          key,
          {
            key,
            type: 'DATASET_FIELD' as const,
            namespace: s.namespace,
            name: s.name,
            field: s.field,
            domain: s.domain,
            owner: s.owner,
            tags: s.tags,
            fieldType: s.type,
          },
        ];
      }),
    );
    return present(walk, facts, access, fingerprint, asOf);
  }
}

function present<E>(walk: AssembledWalk<E>, facts: Map<string, NodeFacts>, access: LineageAccess, fingerprint: Buffer, asOf: Date | null): GraphView {
  const nodes = new Map<string, GraphNodeView>();
  for (const node of walk.nodes.values()) {
    const f = facts.get(node.key);
    // Only a forged continuation names a node that does not exist.
    if (f) nodes.set(node.key, { ...toNodeView(f, access), distance: node.distance, truncated: node.truncated });
  }
  const edges: GraphEdgeView[] = [];
  for (const e of walk.edges) {
    const origin = nodes.get(e.origin);
    const destination = nodes.get(e.destination);
    if (!origin || !destination) continue;
    const data = e.data as ColumnEdgeData | undefined;
    edges.push({ origin: origin.nodeId, destination: destination.nodeId, transformations: data?.transformations ?? null, masking: data?.masking ?? null });
  }
  const partial = walk.next.length > 0;
  return { nodes: [...nodes.values()], edges, partial, continuation: partial ? encodeContinuation(fingerprint, walk.next) : null, asOf };
}

function rootSeeds(key: string, direction: LineageDirection): WalkSeed[] {
  return DIRECTIONS[direction].map((dir) => ({ key, dir, lvl: 0, skip: 0 }));
}

function checkDepth(depth: number): number {
  if (!Number.isInteger(depth) || depth < 0 || depth > MAX_DEPTH) throw AppError.badInput('depth', `depth must be an integer from 0 to ${MAX_DEPTH}`);
  return depth;
}

function checkMaxNodes(maxNodes: number | null | undefined, budget: number): number {
  if (maxNodes === null || maxNodes === undefined) return budget;
  if (!Number.isInteger(maxNodes) || maxNodes < 1 || maxNodes > budget) throw AppError.badInput('maxNodes', `maxNodes must be an integer from 1 to ${budget}`);
  return maxNodes;
}
