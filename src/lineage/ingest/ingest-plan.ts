import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { eventKind, type EventKind } from './openlineage-validator';

/** What one validated OpenLineage event asks the store to record. Pure data: built without I/O. */
export interface IngestPlan {
  kind: EventKind;
  eventType: string | null;
  eventTime: Date;
  /** sha256 of the event's canonical JSON: the same event sent twice has the same hash. */
  hash: string;
  job?: JobPlan;
  run?: RunPlan;
  /** Datasets the event names, in a stable order (namespace, name) so concurrent writers lock alike. */
  datasets: DatasetPlan[];
  inputs: DatasetKey[];
  outputs: DatasetKey[];
  columnEdges: ColumnEdgePlan[];
}

export interface DatasetKey {
  namespace: string;
  name: string;
}

export interface FieldPlan {
  name: string;
  type: string | null;
  description: string | null;
}

export interface DatasetPlan extends DatasetKey {
  /** Present when the event carries a schema facet; its hash identifies the dataset version. */
  schema?: { fields: FieldPlan[]; hash: string };
  facets: Record<string, unknown>;
  deletedFacets: string[];
  owner: string | null;
  description: string | null;
  sourceName: string | null;
  sourceUri: string | null;
  tags: string[];
}

export interface JobPlan {
  namespace: string;
  name: string;
  facets: Record<string, unknown>;
  versionHash: string;
  owner: string | null;
  description: string | null;
  jobType: string | null;
}

export type RunState = 'START' | 'RUNNING' | 'COMPLETE' | 'ABORT' | 'FAIL' | 'OTHER';

export interface RunPlan {
  id: string;
  state: RunState;
  startedAt: Date | null;
  endedAt: Date | null;
  nominalStartTime: Date | null;
  nominalEndTime: Date | null;
  parentRunId: string | null;
  errorMessage: string | null;
  facets: Record<string, unknown>;
}

export interface ColumnEdgePlan {
  output: DatasetKey;
  outputField: string;
  input: DatasetKey;
  inputField: string;
  transformations: unknown[];
  masking: boolean;
}

type Facets = Record<string, Record<string, unknown> | undefined>;
interface EventDataset extends DatasetKey {
  facets?: Facets;
}
interface OpenLineageEvent {
  eventType?: string;
  eventTime: string;
  run?: { runId: string; facets?: Facets };
  job?: { namespace: string; name: string; facets?: Facets };
  dataset?: EventDataset;
  inputs?: EventDataset[];
  outputs?: EventDataset[];
}

const TERMINAL = new Set(['COMPLETE', 'ABORT', 'FAIL']);

const sha256 = (value: unknown) =>
  createHash('sha256')
    .update(canonicalize(value) ?? '')
    .digest('hex');
const str = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
const date = (value: unknown): Date | null => (typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? new Date(value) : null);

/** Turns a schema-valid event into a plan. */
export function planEvent(raw: unknown): IngestPlan {
  const event = raw as OpenLineageEvent;
  const kind = eventKind(event)!;
  const eventTime = new Date(event.eventTime);
  const byKey = new Map<string, DatasetPlan>();
  const addDataset = (d: EventDataset): DatasetKey => {
    const key = `${d.namespace}\u0000${d.name}`;
    const plan = datasetPlan(d);
    const previous = byKey.get(key);
    // The same dataset may be named twice (input and output); merge what both occurrences say.
    byKey.set(key, previous ? mergeDatasetPlans(previous, plan) : plan);
    return { namespace: d.namespace, name: d.name };
  };

  const inputs = (event.inputs ?? []).map(addDataset);
  const outputs = (event.outputs ?? []).map(addDataset);
  if (event.dataset) addDataset(event.dataset);

  const columnEdges: ColumnEdgePlan[] = [];
  for (const output of event.outputs ?? []) {
    for (const edge of columnEdgesOf(output)) {
      addDataset({ namespace: edge.input.namespace, name: edge.input.name });
      columnEdges.push(edge);
    }
  }

  const plan: IngestPlan = {
    kind,
    eventType: str(event.eventType),
    eventTime,
    hash: sha256(raw),
    datasets: [...byKey.values()].sort((a, b) => (a.namespace === b.namespace ? cmp(a.name, b.name) : cmp(a.namespace, b.namespace))),
    inputs,
    outputs,
    columnEdges,
  };
  if (event.job) plan.job = jobPlan(event.job, inputs, outputs);
  if (event.run) plan.run = runPlan(event.run, str(event.eventType) ?? 'OTHER', eventTime);
  return plan;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function datasetPlan(d: EventDataset): DatasetPlan {
  const facets: Record<string, unknown> = {};
  const deletedFacets: string[] = [];
  for (const [key, value] of Object.entries(d.facets ?? {})) {
    if (value?.['_deleted'] === true) deletedFacets.push(key);
    else facets[key] = value;
  }
  const schemaFacet = facets['schema'] as { fields?: { name: string; type?: string; description?: string }[] } | undefined;
  const ownership = facets['ownership'] as { owners?: { name?: string }[] } | undefined;
  const documentation = facets['documentation'] as { description?: string } | undefined;
  const dataSource = facets['dataSource'] as { name?: string; uri?: string } | undefined;
  const tagsFacet = facets['tags'] as { tags?: { key?: string; value?: string }[] } | undefined;
  const fields = schemaFacet?.fields?.map((f) => ({ name: f.name, type: str(f.type), description: str(f.description) }));
  return {
    namespace: d.namespace,
    name: d.name,
    schema: fields ? { fields, hash: sha256(fields.map((f) => [f.name, f.type])) } : undefined,
    facets,
    deletedFacets,
    owner: str(ownership?.owners?.[0]?.name),
    description: str(documentation?.description),
    sourceName: str(dataSource?.name),
    sourceUri: str(dataSource?.uri),
    tags: (tagsFacet?.tags ?? []).map((t) => (t.value ? `${t.key}:${t.value}` : String(t.key))).filter((t) => t !== 'undefined'),
  };
}

function mergeDatasetPlans(a: DatasetPlan, b: DatasetPlan): DatasetPlan {
  return {
    ...a,
    schema: b.schema ?? a.schema,
    facets: { ...a.facets, ...b.facets },
    deletedFacets: [...new Set([...a.deletedFacets, ...b.deletedFacets])],
    owner: b.owner ?? a.owner,
    description: b.description ?? a.description,
    sourceName: b.sourceName ?? a.sourceName,
    sourceUri: b.sourceUri ?? a.sourceUri,
    tags: [...new Set([...a.tags, ...b.tags])],
  };
}

function columnEdgesOf(output: EventDataset): ColumnEdgePlan[] {
  const facet = output.facets?.['columnLineage'] as
    { fields?: Record<string, { inputFields?: { namespace: string; name: string; field: string; transformations?: { masking?: boolean }[] }[] }> } | undefined;
  const edges: ColumnEdgePlan[] = [];
  for (const [outputField, spec] of Object.entries(facet?.fields ?? {})) {
    for (const input of spec.inputFields ?? []) {
      const transformations = input.transformations ?? [];
      edges.push({
        output: { namespace: output.namespace, name: output.name },
        outputField,
        input: { namespace: input.namespace, name: input.name },
        inputField: input.field,
        transformations,
        masking: transformations.some((t) => t.masking === true),
      });
    }
  }
  return edges;
}

// The parts of a job that define what it does; run-specific facets do not make a new version.
const VERSIONED_JOB_FACETS = ['sourceCodeLocation', 'sourceCode', 'sql'];

function jobPlan(job: NonNullable<OpenLineageEvent['job']>, inputs: DatasetKey[], outputs: DatasetKey[]): JobPlan {
  const facets = Object.fromEntries(Object.entries(job.facets ?? {}).filter(([, v]) => v?.['_deleted'] !== true));
  const key = (d: DatasetKey) => `${d.namespace}\u0000${d.name}`;
  const versioned = VERSIONED_JOB_FACETS.map((k) => stripBase(facets[k]));
  const ownership = facets['ownership'] as { owners?: { name?: string }[] } | undefined;
  const documentation = facets['documentation'] as { description?: string } | undefined;
  const jobType = facets['jobType'] as { jobType?: string } | undefined;
  return {
    namespace: job.namespace,
    name: job.name,
    facets,
    versionHash: sha256([versioned, inputs.map(key).sort(), outputs.map(key).sort()]),
    owner: str(ownership?.owners?.[0]?.name),
    description: str(documentation?.description),
    jobType: str(jobType?.jobType),
  };
}

/** `_producer` and `_schemaURL` change with the emitter's version, not with the job. */
function stripBase(facet: unknown): unknown {
  if (!facet || typeof facet !== 'object') return facet ?? null;
  return Object.fromEntries(Object.entries(facet).filter(([k]) => !k.startsWith('_')));
}

function runPlan(run: NonNullable<OpenLineageEvent['run']>, eventType: string, eventTime: Date): RunPlan {
  const facets = run.facets ?? {};
  const nominal = facets['nominalTime'] as { nominalStartTime?: string; nominalEndTime?: string } | undefined;
  const parent = facets['parent'] as { run?: { runId?: string } } | undefined;
  const error = facets['errorMessage'] as { message?: string } | undefined;
  const state = eventType as RunState;
  return {
    id: run.runId.toLowerCase(),
    state,
    startedAt: state === 'START' || state === 'RUNNING' ? eventTime : null,
    endedAt: TERMINAL.has(state) ? eventTime : null,
    nominalStartTime: date(nominal?.nominalStartTime),
    nominalEndTime: date(nominal?.nominalEndTime),
    parentRunId: str(parent?.run?.runId)?.toLowerCase() ?? null,
    errorMessage: str(error?.message),
    facets: Object.fromEntries(Object.entries(facets).filter(([, v]) => v?.['_deleted'] !== true)),
  };
}
