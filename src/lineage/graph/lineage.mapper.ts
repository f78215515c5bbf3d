import type { DatasetType } from './dto/dataset.type';
import type { JobType } from './dto/job.type';
import { LineageNodeTypeEnum, type ImpactType, type LineageGraphType, type LineageNodeType } from './dto/lineage-graph.type';
import type { RunType } from './dto/run.type';
import type { NodeView } from './lineage-access';
import type { DatasetDetailsRow, FieldRow, JobDetailsRow } from './lineage-catalog.repository';
import type { RunView } from './lineage-catalog.service';
import type { GraphNodeView, GraphView, ImpactView } from './lineage-graph.service';
import { formatNodeId } from './node-id';
import type { Sensitivity } from './dto/sensitivity.enum';

/** Rows and service views to GraphQL types: the schema never exposes a row's shape. */

export function toLineageNode(view: NodeView & Partial<Pick<GraphNodeView, 'distance' | 'truncated'>>, asOf: Date | null = null): LineageNodeType {
  const kind = view.key[0] === 'd' ? 'dataset' : view.key[0] === 'j' ? 'job' : 'field';
  return {
    id: view.nodeId,
    type: LineageNodeTypeEnum[view.type],
    restricted: view.restricted,
    namespace: view.namespace,
    name: view.name,
    field: view.field,
    fieldType: view.fieldType,
    domain: view.domain,
    owner: view.owner,
    tags: view.tags,
    distance: view.distance ?? 0,
    truncated: view.truncated ?? false,
    ref: view.restricted || kind === 'field' ? null : { kind, id: view.key.slice(2), asOf },
  };
}

export function toLineageGraph(view: GraphView): LineageGraphType {
  return {
    nodes: view.nodes.map((n) => toLineageNode(n, view.asOf)),
    edges: view.edges.map((e) => ({ origin: e.origin, destination: e.destination, masking: e.masking, transformations: e.transformations })),
    partial: view.partial,
    continuation: view.continuation,
    asOf: view.asOf,
  };
}

export function toImpact(view: ImpactView): ImpactType {
  const nodes = view.nodes.map((n) => toLineageNode(n, view.asOf));
  return {
    root: toLineageNode(view.root, view.asOf),
    datasets: nodes.filter((n) => n.type === LineageNodeTypeEnum.DATASET),
    jobs: nodes.filter((n) => n.type === LineageNodeTypeEnum.JOB),
    models: view.models.map((m) => ({
      id: m.id,
      type: LineageNodeTypeEnum.MODEL_VERSION,
      restricted: m.restricted,
      namespace: m.modelName,
      name: m.version,
      field: null,
      fieldType: null,
      domain: m.domain,
      owner: m.owner,
      tags: m.stage ? [`stage:${m.stage}`] : [],
      distance: m.distance,
      truncated: false,
      ref: null,
    })),
    owners: view.owners,
    restrictedCount: view.restrictedCount,
    partial: view.partial,
    continuation: view.continuation,
  };
}

/** The fields of the version current at asOf, with the tags of the current fields of the same name. */
export function datasetFields(row: DatasetDetailsRow): Required<FieldRow>[] {
  if (!row.version_fields) return row.current_fields;
  const tags = new Map(row.current_fields.map((f) => [f.name, f.tags]));
  return row.version_fields.map((f) => ({ name: f.name, type: f.type ?? null, description: f.description ?? null, tags: tags.get(f.name) ?? [] }));
}

export function toDataset(row: DatasetDetailsRow): DatasetType {
  return {
    nodeId: formatNodeId({ type: 'DATASET', namespace: row.namespace, name: row.name }),
    namespace: row.namespace,
    name: row.name,
    domain: row.domain,
    owner: row.owner,
    description: row.description,
    sourceName: row.source_name,
    sourceUri: row.source_uri,
    tags: row.tags,
    sensitivity: row.sensitivity as Sensitivity,
    fields: datasetFields(row),
    version: row.version_id ? { id: row.version_id, validFrom: row.version_valid_from! } : null,
    facets: row.facets,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function jobFacet(row: JobDetailsRow, facet: string, key: string): string | null {
  const value = (row.facets[facet] as Record<string, unknown> | undefined)?.[key];
  return typeof value === 'string' ? value : null;
}

export function toJob(row: JobDetailsRow): JobType {
  return {
    nodeId: formatNodeId({ type: 'JOB', namespace: row.namespace, name: row.name }),
    namespace: row.namespace,
    name: row.name,
    domain: row.domain,
    owner: row.owner,
    description: row.description,
    jobType: row.job_type,
    processingType: jobFacet(row, 'jobType', 'processingType'),
    location: jobFacet(row, 'sourceCodeLocation', 'url'),
    version: row.version_id ? { id: row.version_id, validFrom: row.version_valid_from! } : null,
    facets: row.facets,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    jobId: row.id,
  };
}

export function toRun(view: RunView): RunType {
  const r = view.run;
  return {
    id: r.id,
    job: toLineageNode(view.job),
    state: r.state,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    nominalStartTime: r.nominal_start_time,
    nominalEndTime: r.nominal_end_time,
    parentRunId: r.parent_run_id,
    errorMessage: r.error_message,
    facets: r.facets,
    inputs: view.inputs.map((x) => ({ dataset: toLineageNode(x.dataset), versionId: x.versionId })),
    outputs: view.outputs.map((x) => ({ dataset: toLineageNode(x.dataset), versionId: x.versionId })),
  };
}
