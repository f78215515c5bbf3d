import type { ColumnEdgePlan, DatasetKey, DatasetPlan, FieldPlan, IngestPlan, JobPlan, RunPlan, RunState } from './ingest-plan';

/**
 * Many events merged into one set of rows per table, so a batch is written with a fixed number of
 * set-based statements whatever its size, and no statement touches a row twice. Merging follows
 * the same rules as applying the events one by one in event-time order.
 */
export interface IngestBatch {
  datasets: DatasetPlan[];
  /** One per (dataset, schema): the earliest event time that showed it, and that event's run. */
  datasetVersions: { dataset: DatasetKey; hash: string; fields: FieldPlan[]; validFrom: Date; runId: string | null }[];
  jobs: JobPlan[];
  jobVersions: { job: DatasetKey; versionHash: string; facets: Record<string, unknown>; validFrom: Date }[];
  runs: (RunPlan & { job: DatasetKey; jobVersionHash: string; stateEventTime: Date })[];
  runIo: { runId: string; dataset: DatasetKey; direction: 'input' | 'output' }[];
  edges: { job: DatasetKey; dataset: DatasetKey; direction: 'input' | 'output'; firstSeen: Date; lastSeen: Date }[];
  columnEdges: (ColumnEdgePlan & { firstSeen: Date; lastSeen: Date })[];
}

export const keyOf = (d: DatasetKey): string => `${d.namespace}\u0000${d.name}`;
const min = (a: Date, b: Date) => (a <= b ? a : b);
const max = (a: Date, b: Date) => (a >= b ? a : b);

const RANK: Record<RunState, number> = { OTHER: 0, START: 1, RUNNING: 2, COMPLETE: 3, ABORT: 3, FAIL: 3 };

/** Same rule as the SQL upsert: a run's state only moves forward; equal ranks, the later event wins. */
export function laterState(current: { state: RunState; at: Date }, next: { state: RunState; at: Date }): boolean {
  return RANK[next.state] > RANK[current.state] || (RANK[next.state] === RANK[current.state] && next.at >= current.at);
}

/** `plans` must be new events only (duplicates already filtered out). */
export function mergePlans(plans: IngestPlan[]): IngestBatch {
  const ordered = [...plans].sort((a, b) => a.eventTime.getTime() - b.eventTime.getTime());
  const datasets = new Map<string, DatasetPlan>();
  const versions = new Map<string, IngestBatch['datasetVersions'][number]>();
  const jobs = new Map<string, JobPlan>();
  const jobVersions = new Map<string, IngestBatch['jobVersions'][number]>();
  const runs = new Map<string, IngestBatch['runs'][number]>();
  const runIo = new Map<string, IngestBatch['runIo'][number]>();
  const edges = new Map<string, IngestBatch['edges'][number]>();
  const columnEdges = new Map<string, IngestBatch['columnEdges'][number]>();

  for (const plan of ordered) {
    const t = plan.eventTime;
    for (const d of plan.datasets) {
      const k = keyOf(d);
      datasets.set(k, mergeDataset(datasets.get(k), d));
      if (d.schema) {
        const vk = `${k}\u0000${d.schema.hash}`;
        if (!versions.has(vk)) versions.set(vk, { dataset: d, hash: d.schema.hash, fields: d.schema.fields, validFrom: t, runId: plan.run?.id ?? null });
      }
    }
    if (plan.job) {
      const job = plan.job;
      const jk = keyOf(job);
      const previous = jobs.get(jk);
      jobs.set(
        jk,
        previous
          ? {
              ...job,
              facets: { ...previous.facets, ...job.facets },
              owner: job.owner ?? previous.owner,
              description: job.description ?? previous.description,
              jobType: job.jobType ?? previous.jobType,
            }
          : job,
      );
      const jvk = `${jk}\u0000${job.versionHash}`;
      if (!jobVersions.has(jvk)) jobVersions.set(jvk, { job, versionHash: job.versionHash, facets: job.facets, validFrom: t });
      const io = [
        ...plan.inputs.map((d) => ({ dataset: d, direction: 'input' as const })),
        ...plan.outputs.map((d) => ({ dataset: d, direction: 'output' as const })),
      ];
      for (const { dataset, direction } of io) {
        const ek = `${jk}\u0000${direction}\u0000${keyOf(dataset)}`;
        const e = edges.get(ek);
        edges.set(ek, e ? { ...e, firstSeen: min(e.firstSeen, t), lastSeen: max(e.lastSeen, t) } : { job, dataset, direction, firstSeen: t, lastSeen: t });
        if (plan.run) runIo.set(`${plan.run.id}\u0000${direction}\u0000${keyOf(dataset)}`, { runId: plan.run.id, dataset, direction });
      }
      if (plan.run) runs.set(plan.run.id, mergeRun(runs.get(plan.run.id), { ...plan.run, job, jobVersionHash: job.versionHash, stateEventTime: t }));
    }
    for (const c of plan.columnEdges) {
      const ck = [keyOf(c.output), c.outputField, keyOf(c.input), c.inputField].join('\u0000');
      const e = columnEdges.get(ck);
      // Events arrive in time order here, so the latest transformations win.
      columnEdges.set(ck, e ? { ...c, firstSeen: min(e.firstSeen, t), lastSeen: max(e.lastSeen, t) } : { ...c, firstSeen: t, lastSeen: t });
    }
  }
  const byKey = <T>(m: Map<string, T>) => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
  // Sorted by key so concurrent writers (other replicas) lock rows in the same order.
  return {
    datasets: byKey(datasets),
    datasetVersions: byKey(versions),
    jobs: byKey(jobs),
    jobVersions: byKey(jobVersions),
    runs: byKey(runs),
    runIo: byKey(runIo),
    edges: byKey(edges),
    columnEdges: byKey(columnEdges),
  };
}

function mergeDataset(previous: DatasetPlan | undefined, next: DatasetPlan): DatasetPlan {
  if (!previous) return next;
  const facets = { ...previous.facets, ...next.facets };
  for (const deleted of next.deletedFacets) delete facets[deleted];
  return {
    ...next,
    schema: next.schema ?? previous.schema,
    facets,
    deletedFacets: [...new Set([...previous.deletedFacets.filter((f) => !(f in next.facets)), ...next.deletedFacets])],
    owner: next.owner ?? previous.owner,
    description: next.description ?? previous.description,
    sourceName: next.sourceName ?? previous.sourceName,
    sourceUri: next.sourceUri ?? previous.sourceUri,
    tags: [...new Set([...previous.tags, ...next.tags])],
  };
}

function mergeRun(previous: IngestBatch['runs'][number] | undefined, next: IngestBatch['runs'][number]): IngestBatch['runs'][number] {
  if (!previous) return next;
  const forward = laterState({ state: previous.state, at: previous.stateEventTime }, { state: next.state, at: next.stateEventTime });
  const earliest = (a: Date | null, b: Date | null) => (a && b ? min(a, b) : (a ?? b));
  const latest = (a: Date | null, b: Date | null) => (a && b ? max(a, b) : (a ?? b));
  return {
    ...(forward ? next : previous),
    startedAt: earliest(previous.startedAt, next.startedAt),
    endedAt: latest(previous.endedAt, next.endedAt),
    nominalStartTime: next.nominalStartTime ?? previous.nominalStartTime,
    nominalEndTime: next.nominalEndTime ?? previous.nominalEndTime,
    parentRunId: next.parentRunId ?? previous.parentRunId,
    errorMessage: next.errorMessage ?? previous.errorMessage,
    facets: { ...previous.facets, ...next.facets },
    // The job version follows the newest event, as in the SQL upsert.
    job: next.job,
    jobVersionHash: next.jobVersionHash,
  };
}
