import { RESTRICTED_NAMESPACE, type NodeView } from './lineage-access';
import type { DatasetDetailsRow, JobDetailsRow } from './lineage-catalog.repository';
import type { RunView } from './lineage-catalog.service';
import type { MarquezGraphView } from './lineage-graph.service';
import { datasetFields, jobFacet } from './lineage.mapper';

/**
 * `GET /api/v1/lineage` in Marquez's shape (spec/openapi.yml `LineageGraph`, and the JSON of its
 * `Node`, `DatasetData`, `JobData` and `Run` models): nodes sorted by id, each with `data` and its
 * in/out edges sorted. A restricted node keeps its placeholder id and edges, with `data: null`.
 */

export interface MarquezEdge {
  origin: string;
  destination: string;
}

export interface MarquezNode {
  id: string;
  type: 'DATASET' | 'JOB';
  data: Record<string, unknown> | null;
  inEdges: MarquezEdge[];
  outEdges: MarquezEdge[];
}

export interface MarquezLineage {
  graph: MarquezNode[];
}

// OpenLineage run states as Marquez names them (RunState in marquez.common.models).
const RUN_STATE: Record<string, string> = { START: 'RUNNING', RUNNING: 'RUNNING', COMPLETE: 'COMPLETED', ABORT: 'ABORTED', FAIL: 'FAILED', OTHER: 'NEW' };

const byOriginThenDestination = (a: MarquezEdge, b: MarquezEdge) => compare(a.origin, b.origin) || compare(a.destination, b.destination);

export function toMarquezLineage(view: MarquezGraphView): MarquezLineage {
  const { graph } = view;
  const byId = new Map(graph.nodes.map((n) => [n.nodeId, n]));
  const inEdges = new Map<string, MarquezEdge[]>();
  const outEdges = new Map<string, MarquezEdge[]>();
  for (const e of graph.edges) {
    const edge = { origin: e.origin, destination: e.destination };
    inEdges.set(e.destination, [...(inEdges.get(e.destination) ?? []), edge]);
    outEdges.set(e.origin, [...(outEdges.get(e.origin) ?? []), edge]);
  }
  const ref = (nodeId: string) => datasetId(byId.get(nodeId)!);
  const nodes = graph.nodes.map((node): MarquezNode => {
    const id = node.key.slice(2);
    let data: Record<string, unknown> | null = null;
    if (!node.restricted && node.type === 'DATASET') {
      const row = view.datasets.get(id);
      if (row) data = datasetData(row);
    } else if (!node.restricted && node.type === 'JOB') {
      const row = view.jobs.get(id);
      const inputs = (inEdges.get(node.nodeId) ?? []).map((e) => ref(e.origin));
      const outputs = (outEdges.get(node.nodeId) ?? []).map((e) => ref(e.destination));
      if (row) data = jobData(row, inputs, outputs, view.latestRuns.get(id) ?? null);
    }
    return {
      id: node.nodeId,
      type: node.type === 'JOB' ? 'JOB' : 'DATASET',
      data,
      inEdges: [...(inEdges.get(node.nodeId) ?? [])].sort(byOriginThenDestination),
      outEdges: [...(outEdges.get(node.nodeId) ?? [])].sort(byOriginThenDestination),
    };
  });
  return { graph: nodes.sort((a, b) => compare(a.id, b.id)) };
}

function datasetData(row: DatasetDetailsRow): Record<string, unknown> {
  const facet = (name: string, key: string) => {
    const value = (row.facets[name] as Record<string, unknown> | undefined)?.[key];
    return typeof value === 'string' ? value : null;
  };
  const datasetType = facet('datasetType', 'datasetType')?.toUpperCase();
  return {
    id: { namespace: row.namespace, name: row.name },
    type: datasetType === 'STREAM' || datasetType === 'TOPIC' ? 'STREAM' : 'DB_TABLE',
    name: row.name,
    physicalName: row.name,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    namespace: row.namespace,
    // Marquez's name for datasets without a dataSource facet.
    sourceName: row.source_name ?? 'default',
    fields: datasetFields(row).map((f) => ({ name: f.name, type: f.type, tags: f.tags, description: f.description })),
    tags: row.tags,
    lastModifiedAt: row.last_modified_at,
    description: row.description,
    lastLifecycleState: facet('lifecycleStateChange', 'lifecycleStateChange'),
  };
}

function jobData(row: JobDetailsRow, inputs: DatasetIdJson[], outputs: DatasetIdJson[], latestRun: RunView | null): Record<string, unknown> {
  const processing = jobFacet(row, 'jobType', 'processingType')?.toUpperCase();
  return {
    id: { namespace: row.namespace, name: row.name },
    type: processing === 'STREAMING' || processing === 'STREAM' ? 'STREAM' : row.job_type?.toUpperCase() === 'SERVICE' ? 'SERVICE' : 'BATCH',
    name: row.name,
    simpleName: row.name,
    parentJobName: null,
    parentJobUuid: null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    namespace: row.namespace,
    inputs: inputs.sort(byNamespaceThenName),
    outputs: outputs.sort(byNamespaceThenName),
    location: jobFacet(row, 'sourceCodeLocation', 'url'),
    description: row.description,
    latestRun: latestRun ? runData(latestRun) : null,
  };
}

function runData(view: RunView): Record<string, unknown> {
  const r = view.run;
  // Marquez lists dataset versions; restricted or unversioned datasets have none to show.
  const versions = (side: RunView['inputs']) =>
    side.filter((x) => !x.dataset.restricted && x.versionId).map((x) => ({ namespace: x.dataset.namespace, name: x.dataset.name, version: x.versionId }));
  return {
    id: r.id,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    nominalStartTime: r.nominal_start_time,
    nominalEndTime: r.nominal_end_time,
    state: RUN_STATE[r.state] ?? 'NEW',
    startedAt: r.started_at,
    endedAt: r.ended_at,
    durationMs: r.started_at && r.ended_at ? r.ended_at.getTime() - r.started_at.getTime() : null,
    args: {},
    jobVersion: r.job_version_id && !view.job.restricted ? { namespace: view.job.namespace, name: view.job.name, version: r.job_version_id } : null,
    inputVersions: versions(view.inputs),
    outputVersions: versions(view.outputs),
    context: {},
    facets: r.facets,
  };
}

interface DatasetIdJson {
  namespace: string;
  name: string;
}

/** A restricted dataset is named by its placeholder: `~restricted` and an opaque hash. */
function datasetId(node: NodeView): DatasetIdJson {
  if (!node.restricted) return { namespace: node.namespace!, name: node.name! };
  const prefix = `dataset:${RESTRICTED_NAMESPACE}:`;
  return { namespace: RESTRICTED_NAMESPACE, name: node.nodeId.slice(prefix.length) };
}

function byNamespaceThenName(a: DatasetIdJson, b: DatasetIdJson): number {
  return compare(a.namespace, b.namespace) || compare(a.name, b.name);
}

// Java's String.compareTo order (UTF-16 code units), which Marquez sorts nodes and edges by.
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
