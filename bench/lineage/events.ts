/**
 * OpenLineage events for one run of an estate job, as the integrations send them: a START and a
 * COMPLETE RunEvent naming the same inputs and outputs, with the facets Spark, Airflow and dbt emit
 * (schema and dataSource on datasets, outputStatistics on outputs at COMPLETE, jobType, nominalTime,
 * processing_engine, parent for Airflow tasks, sql for dbt). Every event validates against the
 * official schemas in schemas/openlineage/.
 */
import { ENTITY, datasetFields, datasetName, jobName, uuidOf, type Estate } from './estate';

const PRODUCERS = {
  spark: 'https://github.com/OpenLineage/OpenLineage/tree/1.20.0/integration/spark',
  airflow: 'https://github.com/apache/airflow/tree/providers-openlineage/1.12.0',
  dbt: 'https://github.com/OpenLineage/OpenLineage/tree/1.20.0/integration/dbt',
} as const;
const EVENT_SCHEMA = 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent';
const facetSchema = (name: string) => `https://openlineage.io/spec/facets/1-0-1/${name}.json#/$defs/${name}`;

/** Event times of runs sent over HTTP start here (the estate loaded by SQL is dated before). */
export const HTTP_EPOCH = Date.parse('2026-07-01T00:00:00Z');

type Kind = keyof typeof PRODUCERS;

function kindOf(namespace: string): Kind {
  return namespace.startsWith('spark') ? 'spark' : namespace.startsWith('dbt') ? 'dbt' : 'airflow';
}

/** Run ids of the HTTP runs (`attempt` 0, 1...): distinct from the runs loaded by SQL (ENTITY.run, index = job). */
export function httpRunId(estate: Estate, j: number, attempt = 0): string {
  return uuidOf(estate.size.seed, ENTITY.run, estate.jobCount * (1 + attempt) + j);
}

/** START and COMPLETE of one run of job `j`, at `startMs` (epoch ms); `attempt` > 0 for further runs of a job. */
export function runEvents(estate: Estate, j: number, startMs: number, attempt = 0): [object, object] {
  const job = jobName(estate, j);
  const kind = kindOf(job.namespace);
  const producer = PRODUCERS[kind];
  const base = (facet: string) => ({ _producer: producer, _schemaURL: facetSchema(facet) });
  const runId = httpRunId(estate, j, attempt);
  const inputs: object[] = [];
  const outputs: { namespace: string; name: string; facets: object }[] = [];
  for (let e = estate.jobStart[j]!; e < estate.jobStart[j + 1]!; e++) {
    const d = estate.edgeDataset[e]!;
    const { namespace, name } = datasetName(estate, d);
    const facets: Record<string, object> = {
      schema: { ...base('SchemaDatasetFacet'), fields: datasetFields(estate, d) },
    };
    // dataSource.uri must be a URI: only namespaces with a scheme have one.
    if (namespace.includes('://')) facets['dataSource'] = { ...base('DatasourceDatasetFacet'), name: namespace, uri: namespace };
    if (estate.edgeOutput[e]) outputs.push({ namespace, name, facets });
    else inputs.push({ namespace, name, facets });
  }
  const jobFacets: Record<string, object> = {
    jobType: { ...base('JobTypeJobFacet'), processingType: 'BATCH', integration: kind.toUpperCase(), jobType: kind === 'dbt' ? 'MODEL' : 'TASK' },
  };
  if (kind === 'dbt') {
    jobFacets['sql'] = { ...base('SQLJobFacet'), query: `select * from ${inputs.length} sources -- model ${job.name}` };
  }
  const nominal = new Date(startMs - (startMs % 3_600_000)).toISOString();
  const runFacets: Record<string, object> = {
    nominalTime: { ...base('NominalTimeRunFacet'), nominalStartTime: nominal },
    processing_engine: { ...base('ProcessingEngineRunFacet'), version: kind === 'spark' ? '3.5.1' : '2.10.2', name: kind },
  };
  if (kind === 'airflow') {
    runFacets['parent'] = {
      ...base('ParentRunFacet'),
      run: { runId: uuidOf(estate.size.seed, 99, Math.floor(j / 10)) },
      job: { namespace: job.namespace, name: job.name.split('.')[0]! },
    };
  }
  const event = (eventType: 'START' | 'COMPLETE', atMs: number, withStats: boolean) => ({
    eventType,
    eventTime: new Date(atMs).toISOString(),
    producer,
    schemaURL: EVENT_SCHEMA,
    run: { runId, facets: runFacets },
    job: { namespace: job.namespace, name: job.name, facets: jobFacets },
    inputs,
    outputs: withStats
      ? outputs.map((o, i) => ({
          ...o,
          outputFacets: {
            outputStatistics: { ...base('OutputStatisticsOutputDatasetFacet'), rowCount: 1000 + ((j * 7 + i) % 100_000), size: 65_536 * (1 + (j % 50)) },
          },
        }))
      : outputs,
  });
  const durationMs = 60_000 + (j % 30) * 10_000;
  return [event('START', startMs, false), event('COMPLETE', startMs + durationMs, true)];
}

/**
 * The event stream of `jobs`' runs as emitters produce it: each COMPLETE follows its START by
 * `lag` events (other runs start and finish in between), so START and COMPLETE of a run rarely
 * arrive together. Returns the JSON texts.
 */
export function eventStream(estate: Estate, jobs: number[], firstMs: number, attempt = 0, lag = 200): string[] {
  const pairs = jobs.map((j, i) => runEvents(estate, j, firstMs + i * 1000, attempt).map((e) => JSON.stringify(e)) as [string, string]);
  const out: string[] = [];
  for (let i = 0; i < pairs.length + lag; i++) {
    if (i < pairs.length) out.push(pairs[i]![0]);
    if (i >= lag) out.push(pairs[i - lag]![1]);
  }
  return out;
}
