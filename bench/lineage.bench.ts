/**
 * `npm run bench:lineage`: OpenLineage ingest rate through `POST /api/v1/lineage`, and `lineage`
 * traversal latency on a large synthetic estate, each beside a baseline measured in the same run
 * (issue 3, "Performance").
 *
 *   1. Generates a deterministic estate (bench/lineage/estate.ts): 100,000 datasets, 50,000 jobs,
 *      1,000,000 job-level edges, power-law reads (hubs read by thousands of jobs), most jobs reading
 *      1–5 datasets and writing 1–3, a Pareto tail of wide jobs, chains 30 job hops long.
 *   2. Loads the part not sent over HTTP with direct SQL (bench/lineage/load.ts), then sends the rest
 *      as OpenLineage events (a START and a COMPLETE per run) to Charter in a child process: one
 *      client at a time (reference), single-event requests from many concurrent clients, NDJSON
 *      batches. Counts only 2xx; checks that the finished estate holds exactly the generated edges.
 *   3. Times `lineage(nodeId, direction, depth)` over GraphQL (real token, real guard) at depth 5 and
 *      20 from hubs (downstream), chain ends (upstream) and ordinary datasets (both ways), each
 *      sample interleaved with the same traversal as one raw recursive SQL query under the same
 *      budget (bench/lineage/raw-sql.ts); compares the node sets; then an unbounded recursive query
 *      as a reference.
 *   4. Server memory before and after the traversal load.
 *
 * It reports; it never fails on a missed goal (exit 1 only if it could not run). Settings
 * (environment) are listed in bench/README.md; BENCH_SERVER_NODE_ARGS passes node flags (e.g.
 * --cpu-prof) to the server under test.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { FAN_OUT_CAP, NODE_BUDGET, WALK_ROWS_PER_NODE } from '../src/lineage/graph/lineage-graph.limits';
import { startTestIdentityProvider, type TestIdentityProvider } from '../test/support/identity-provider';
import { prng } from '../src/common/prng';
import { DOMAINS, LEVELS, datasetName, estateStats, generateEstate, type Estate } from './lineage/estate';
import { HTTP_EPOCH, eventStream } from './lineage/events';
import { cpuMeter, latencySummary, postAll, postmasterOf, type CpuSplit, type PostAllResult } from './lineage/http-load';
import { loadEstate } from './lineage/load';
import { budgetedTraversal, unboundedTraversal, type BudgetedAnswer, type Direction } from './lineage/raw-sql';
import type { IngestCpuRequest, IngestCpuResult, UsageFigures, UsageRequest } from './lineage/server';
import {
  KeepAliveClient,
  countErrorLogLines,
  createBenchDatabase,
  envInt,
  fixed,
  machineLine,
  percentile,
  say,
  section,
  startDatabaseServer,
  startServerProcess,
  table,
  type BenchDatabase,
  type DatabaseServer,
  type ServerProcess,
  runBenchmark,
} from './support';

const ROOT = path.resolve(__dirname, '..', '..');
const SERVER_SCRIPT = path.join(__dirname, 'lineage', 'server.js');

const GOAL_EVENTS_PER_SEC = 2000;
const GOAL_DEPTH20_P99_MS = 100;
const GOAL_RATIO_TO_RAW = 2;

const settings = {
  datasets: envInt('BENCH_DATASETS', 100_000),
  jobs: envInt('BENCH_JOBS', 50_000),
  edges: envInt('BENCH_EDGES', 1_000_000),
  chains: envInt('BENCH_CHAINS', 100),
  chainLength: envInt('BENCH_CHAIN_LENGTH', 30),
  seed: envInt('BENCH_SEED', 20_260_611),
  seqEvents: envInt('BENCH_INGEST_SEQ_EVENTS', 500),
  singleEvents: envInt('BENCH_INGEST_EVENTS', 6000),
  singleConnections: envInt('BENCH_INGEST_CONNECTIONS', 50),
  rerunEvents: envInt('BENCH_INGEST_RERUN_EVENTS', 6000),
  batchEvents: envInt('BENCH_INGEST_BATCH_EVENTS', 6000),
  batchSize: envInt('BENCH_INGEST_BATCH_SIZE', 500),
  batchConnections: envInt('BENCH_INGEST_BATCH_CONNECTIONS', 4),
  cpuSample: envInt('BENCH_INGEST_CPU_SAMPLE', 2000),
  traversals: envInt('BENCH_TRAVERSALS', 100),
  traversalWarmup: envInt('BENCH_TRAVERSAL_WARMUP', 10),
  nodesPerClass: envInt('BENCH_TRAVERSAL_NODES', 10),
  unboundedSamples: envInt('BENCH_UNBOUNDED_SAMPLES', 1),
  unboundedTimeoutMs: envInt('BENCH_UNBOUNDED_TIMEOUT_MS', 10_000),
  logLevel: process.env['BENCH_LOG_LEVEL'] ?? 'info',
};

const LINEAGE_QUERY = `query($nodeId: String!, $direction: LineageDirection, $depth: Int) {
  lineage(nodeId: $nodeId, direction: $direction, depth: $depth) {
    nodes { id type distance truncated }
    edges { origin destination }
    partial
    continuation
  }
}`;

interface ApiGraph {
  nodes: { id: string; type: string; distance: number; truncated: boolean }[];
  edges: { origin: string; destination: string }[];
  partial: boolean;
  continuation: string | null;
}

function loadAverage(): string {
  return os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const pct = (x: number) => `${fixed(100 * x, 1)}%`;

async function graphql<T>(url: string, query: string, token: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: unknown[] };
  if (!body.data || body.errors) throw new Error(`GraphQL ${res.status}: ${JSON.stringify(body).slice(0, 500)}`);
  return body.data;
}

function cpuLine(cpu: CpuSplit | undefined): string {
  if (!cpu) return 'CPU split: not available (needs /proc)';
  const pg =
    cpu.postgres !== undefined
      ? `PostgreSQL ${fixed(cpu.postgres, 2)}, rest of the machine (other work) ${fixed(cpu.rest, 2)}`
      : `rest of the machine (PostgreSQL + other work) ${fixed(cpu.rest, 2)}`;
  return `CPU, cores busy on average (of ${os.cpus().length}): server ${fixed(cpu.server, 2)}, load generator ${fixed(cpu.loadGenerator, 2)}, ${pg}`;
}

/** WAL written by the whole PostgreSQL server so far (pg_stat_wal), in bytes; undefined if unreadable. */
async function walBytes(sql: Client): Promise<number | undefined> {
  try {
    return Number((await sql.query<{ b: string }>('SELECT wal_bytes AS b FROM pg_stat_wal')).rows[0]!.b);
  } catch {
    return undefined;
  }
}

/** Whether pg_stat_statements is loaded on the server; if so, creates the extension in the bench database. */
async function statementStats(sql: Client): Promise<boolean> {
  const [row] = (await sql.query<{ libs: string }>(`SELECT current_setting('shared_preload_libraries') AS libs`)).rows;
  if (!row?.libs.includes('pg_stat_statements')) return false;
  await sql.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
  return true;
}

/** The statements that took the most time in this database since the last reset (pg_stat_statements). */
async function topStatements(sql: Client, limit: number): Promise<string> {
  const { rows } = await sql.query<{ calls: string; total: number; mean: number; rows: string; query: string }>(
    `SELECT calls, total_exec_time AS total, mean_exec_time AS mean, rows, left(regexp_replace(query, '\\s+', ' ', 'g'), 110) AS query
     FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND query NOT LIKE '%pg_stat_statements%'
     ORDER BY total_exec_time DESC LIMIT $1`,
    [limit],
  );
  return table([
    ['statement (pg_stat_statements)', 'calls', 'total ms', 'mean ms', 'rows'],
    ...rows.map((r) => [r.query, int(Number(r.calls)), fixed(r.total, 0), fixed(r.mean, 2), int(Number(r.rows))]),
  ]);
}

function usageRow(label: string, u: UsageFigures): string[] {
  return [label, `${u.rssMiB} MiB`, `${u.heapUsedMiB} MiB`, `${u.heapTotalMiB} MiB`, `${u.externalMiB} MiB`, `${u.maxRssMiB} MiB`];
}

// ---------------------------------------------------------------------------------------------
// Ingest

interface IngestPhase {
  label: string;
  /** Server memory right after the phase (no GC): RSS and the peak so far. */
  memory?: UsageFigures;
  events: number;
  requests: number;
  result: PostAllResult;
  cpu: CpuSplit | undefined;
  datasetRefs: number;
  bytes: number;
}

function ingestRow(p: IngestPhase): string[] {
  const l = latencySummary(p.result.latencyMs);
  return [
    p.label,
    int(p.result.accepted),
    fixed(p.result.seconds, 1),
    int(p.result.accepted / p.result.seconds),
    int((p.datasetRefs * (p.result.accepted / p.events)) / p.result.seconds),
    fixed((p.bytes * (p.result.accepted / p.events)) / p.result.seconds / 1_048_576, 1),
    fixed(l.p50, 1),
    fixed(l.p99, 1),
    String(p.result.non2xx + p.result.errors),
    String(p.result.duplicates),
  ];
}

/** Datasets named per event (inputs + outputs), summed over the stream. */
function datasetRefs(estate: Estate, jobs: number[]): number {
  return jobs.reduce((s, j) => s + 2 * (estate.jobStart[j + 1]! - estate.jobStart[j]!), 0);
}

// ---------------------------------------------------------------------------------------------
// Traversal

interface TraversalRow {
  label: string;
  direction: Direction;
  depth: number;
  nodes: { namespace: string; name: string }[];
  api: number[];
  raw: number[];
  apiPartial: number;
  rawPartial: number;
  apiNodes: number[];
  rawNodes: number[];
  maxDistance: number;
  /** Nodes whose API and raw answers were both complete (not partial). */
  completeCompared: number;
  /** ... of which the two node sets were identical. */
  completeIdentical: number;
  firstMismatch?: string;
  bad: number;
}

async function main(): Promise<void> {
  const started = Date.now();
  say('Charter lineage benchmark (bench/lineage.bench.ts)');
  say(`machine: ${machineLine()}`);
  say(
    `settings: estate ${int(settings.datasets)} datasets, ${int(settings.jobs)} jobs, ${int(settings.edges)} edges, ${settings.chains} chains × ${settings.chainLength} hops, seed ${settings.seed}; ` +
      `ingest ${int(settings.seqEvents)} sequential + ${int(settings.singleEvents)} single events (${settings.singleConnections} clients) + ${int(settings.batchEvents)} in NDJSON batches of ${settings.batchSize} (${settings.batchConnections} clients); ` +
      `traversals ${settings.traversalWarmup} warm-up + ${settings.traversals} measured per row; server LOG_LEVEL=${settings.logLevel}`,
  );
  say(`load average at start: ${loadAverage()} (other work on the machine skews every figure; see bench/README.md)`);

  let pg: DatabaseServer | undefined;
  let db: BenchDatabase | undefined;
  let idp: TestIdentityProvider | undefined;
  let server: ServerProcess | undefined;
  let sql: Client | undefined;
  const clients: KeepAliveClient[] = [];
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'charter-bench-lineage-'));
  try {
    // -------------------------------------------------------------------------------------------
    section('estate');
    let t0 = Date.now();
    const estate = generateEstate({
      datasets: settings.datasets,
      jobs: settings.jobs,
      edges: settings.edges,
      chains: settings.chains,
      chainLength: settings.chainLength,
      seed: settings.seed,
    });
    const stats = estateStats(estate);
    say(
      `generated in ${fixed((Date.now() - t0) / 1000, 1)} s: ${int(estate.datasetCount)} datasets, ${int(estate.jobCount)} jobs, ${int(estate.jobStart[estate.jobCount]!)} job-level edges`,
    );
    say(
      `  layers: sources + ${LEVELS} derived levels, ${DOMAINS.length} domains; ${settings.chains} chains of ${settings.chainLength} jobs (the longest paths: ${settings.chainLength} job hops)`,
    );
    say(
      `  inputs per job: p50 ${stats.inputsPerJob.p50}, p90 ${stats.inputsPerJob.p90}, p99 ${stats.inputsPerJob.p99}, max ${stats.inputsPerJob.max}; ` +
        `${pct(stats.inputsPerJob.normalShare)} of jobs read 1–5 datasets (mean edges per job: ${fixed(settings.edges / settings.jobs, 1)})`,
    );
    say(
      `  outputs per job: p50 ${stats.outputsPerJob.p50}, p90 ${stats.outputsPerJob.p90}, max ${stats.outputsPerJob.max}; ${pct(stats.outputsPerJob.oneToThree)} write 1–3`,
    );
    say(
      `  jobs reading a dataset: p50 ${stats.readByPerDataset.p50}, p90 ${stats.readByPerDataset.p90}, p99 ${stats.readByPerDataset.p99}; ${int(stats.readByPerDataset.unread)} datasets read by no job; ` +
        `top hubs: ${stats.topHubs.map((h) => int(h.readBy)).join(', ')}`,
    );

    // Which jobs go over HTTP: a deterministic sample of the layered jobs (chains stay in the SQL part).
    const rand = prng(settings.seed + 1);
    const regular: number[] = [];
    for (let j = 0; j < estate.jobCount; j++) if (estate.jobLevel[j]! >= 1) regular.push(j);
    for (let i = regular.length - 1; i > 0; i--) {
      const k = Math.floor(rand() * (i + 1));
      [regular[i], regular[k]] = [regular[k]!, regular[i]!];
    }
    const runsFor = (events: number) => Math.ceil(events / 2);
    const seqJobs = regular.slice(0, runsFor(settings.seqEvents));
    const singleJobs = regular.slice(seqJobs.length, seqJobs.length + runsFor(settings.singleEvents));
    const batchJobs = regular.slice(seqJobs.length + singleJobs.length, seqJobs.length + singleJobs.length + runsFor(settings.batchEvents));
    const httpJobs = [...seqJobs, ...singleJobs, ...batchJobs];
    // Further runs of jobs the estate already holds (loaded by SQL): what emitters send day after day.
    const rerunJobs = regular.slice(httpJobs.length, httpJobs.length + runsFor(settings.rerunEvents));
    if (
      httpJobs.length + rerunJobs.length <
      runsFor(settings.seqEvents) + runsFor(settings.singleEvents) + runsFor(settings.batchEvents) + runsFor(settings.rerunEvents)
    ) {
      throw new Error(`the estate has ${regular.length} layered jobs: fewer than the runs to send over HTTP`);
    }
    const viaHttp = new Uint8Array(estate.jobCount);
    for (const j of httpJobs) viaHttp[j] = 1;
    const httpEdges = httpJobs.reduce((s, j) => s + estate.jobStart[j + 1]! - estate.jobStart[j]!, 0);
    say(
      `split: ${int(httpJobs.length)} jobs (${int(httpEdges)} edges, ${pct(httpEdges / settings.edges)}) arrive as OpenLineage events over HTTP (one run each: START + COMPLETE); ` +
        `the other ${int(estate.jobCount - httpJobs.length)} jobs (${int(settings.edges - httpEdges)} edges) are loaded with direct SQL first; ` +
        `then ${int(rerunJobs.length)} of those send a second run over HTTP (re-runs: their datasets and edges exist)`,
    );

    // -------------------------------------------------------------------------------------------
    section('database');
    pg = await startDatabaseServer();
    say(`database server: ${pg.description}`);
    db = await createBenchDatabase(pg.adminUrl);
    say(`database: ${db.name}, migrated`);
    sql = new Client({ connectionString: db.url, application_name: 'bench-lineage' });
    await sql.connect();
    const backend = (await sql.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    const postmaster = postmasterOf(backend);
    const withStatements = await statementStats(sql);
    say(
      `PostgreSQL CPU: ${postmaster !== undefined ? `counted from its processes (postmaster pid ${postmaster})` : 'not counted apart (not a process on this machine)'}; ` +
        `per-statement times: ${withStatements ? 'pg_stat_statements' : 'off (preload pg_stat_statements on the server to get them)'}`,
    );
    t0 = Date.now();
    const loaded = await loadEstate(sql, estate, viaHttp, (line) => say(`  [${fixed((Date.now() - t0) / 1000, 1)} s] ${line}`));
    say(
      `DIRECT SQL LOAD (not HTTP): ${int(loaded.datasets)} datasets (+ a schema version and ${int(loaded.fields)} fields), ${int(loaded.jobs)} jobs (+ a version and a COMPLETE run each), ` +
        `${int(loaded.edges)} edges and ${int(loaded.runIo)} run inputs/outputs in ${fixed(loaded.seconds, 1)} s; no lineage_events rows for this part`,
    );

    // -------------------------------------------------------------------------------------------
    section('server');
    idp = await startTestIdentityProvider();
    const adminToken = await idp.token('admin');
    const readerToken = await idp.token('risk');
    const logFile = path.join(work, 'server.log');
    server = await startServerProcess(
      'charter',
      SERVER_SCRIPT,
      [],
      {
        ...process.env,
        NODE_ENV: 'production',
        DATABASE_URL: db.url,
        OIDC_ISSUER_URL: idp.issuer,
        LOG_LEVEL: settings.logLevel,
        CHARTER_DATA_DIR: path.join(work, 'data'),
        POLICIES_DIR: path.join(ROOT, 'policies'),
        PORT: '4000',
      },
      logFile,
    );
    say(`server: ${server.url} (pid ${server.pid}), NODE_ENV=production, identity provider ${idp.issuer} (real RS256 tokens)`);
    const created = await graphql<{ createApiKey: { secret: string; apiKey: { id: string } } }>(
      server.url,
      'mutation { createApiKey(input: { name: "bench-emitter", roles: ["service"] }) { secret apiKey { id } } }',
      adminToken,
    );
    const apiKey = created.createApiKey.secret;
    say(`service API key: created by "admin" through GraphQL createApiKey (roles: service), id ${created.createApiKey.apiKey.id}`);

    // -------------------------------------------------------------------------------------------
    section('ingest: POST /api/v1/lineage');
    t0 = Date.now();
    let clock = HTTP_EPOCH;
    const stream = (jobs: number[], attempt = 0) => {
      const texts = eventStream(estate, jobs, clock, attempt);
      clock += (jobs.length + 1) * 1000;
      return texts;
    };
    const seqTexts = stream(seqJobs);
    const singleTexts = stream(singleJobs);
    const batchTexts = stream(batchJobs);
    const rerunTexts = stream(rerunJobs, 1);
    const batchBodies: string[] = [];
    for (let i = 0; i < batchTexts.length; i += settings.batchSize) batchBodies.push(`${batchTexts.slice(i, i + settings.batchSize).join('\n')}\n`);
    const bytesOf = (texts: string[]) => texts.reduce((s, t) => s + Buffer.byteLength(t), 0);
    const sizes = singleTexts.map((t) => Buffer.byteLength(t)).sort((a, b) => a - b);
    const refsSingle = datasetRefs(estate, singleJobs);
    say(
      `events prepared in ${fixed((Date.now() - t0) / 1000, 1)} s (before timing): RunEvents with schema and dataSource facets on every dataset, outputStatistics at COMPLETE, ` +
        `jobType, nominalTime, processing_engine, parent (Airflow), sql (dbt)`,
    );
    say(
      `  single-event stream: ${int(singleTexts.length)} events, ${fixed(refsSingle / singleTexts.length, 1)} datasets per event on average; ` +
        `size p50 ${fixed(percentile(sizes, 50) / 1024, 1)} KiB, p90 ${fixed(percentile(sizes, 90) / 1024, 1)} KiB, p99 ${fixed(percentile(sizes, 99) / 1024, 1)} KiB, ` +
        `max ${fixed(sizes.at(-1)! / 1024, 0)} KiB, mean ${fixed(bytesOf(singleTexts) / singleTexts.length / 1024, 1)} KiB`,
    );
    const ingestHeaders = { authorization: `Bearer ${apiKey}` };
    const usage = (gc: boolean) => server!.request<UsageFigures>('usage', { gc } satisfies UsageRequest);
    const memBeforeIngest = await usage(true);
    const phases: IngestPhase[] = [];
    const runPhase = async (label: string, texts: string[], bodies: string[], jobs: number[], contentType: string, connections: number) => {
      if (withStatements) await sql!.query('SELECT pg_stat_statements_reset()');
      const wal0 = await walBytes(sql!);
      const meter = cpuMeter(server!.pid, postmaster);
      const result = await postAll({ url: `${server!.url}/api/v1/lineage`, headers: { ...ingestHeaders, 'content-type': contentType }, bodies, connections });
      const phase: IngestPhase = {
        label,
        events: texts.length,
        requests: bodies.length,
        result,
        cpu: meter.stop(),
        datasetRefs: datasetRefs(estate, jobs),
        bytes: bytesOf(texts),
      };
      phase.memory = await usage(false);
      const wal1 = await walBytes(sql!);
      const wal = wal0 !== undefined && wal1 !== undefined ? wal1 - wal0 : undefined;
      phases.push(phase);
      say(
        `  ${label}: ${int(result.accepted)} of ${int(texts.length)} events accepted in ${int(result.ok)} 2xx of ${int(result.requests)} requests, ${fixed(result.seconds, 1)} s, ` +
          `${int(result.accepted / result.seconds)} events/s; non-2xx ${result.non2xx}, errors ${result.errors}, duplicates ${result.duplicates}, connections opened ${result.connections}` +
          (result.firstFailure ? `; first failure: ${result.firstFailure}` : ''),
      );
      say(
        `    ${cpuLine(phase.cpu)}; server RSS after the phase ${fixed(phase.memory.rssMiB, 0)} MiB, peak so far ${fixed(phase.memory.maxRssMiB, 0)} MiB` +
          (wal !== undefined ? `; WAL ${fixed(wal / 1_048_576, 0)} MiB (${fixed(wal / Math.max(1, result.accepted) / 1024, 1)} KiB per event)` : ''),
      );
      if (withStatements) say((await topStatements(sql!, 8)).replace(/^/gm, '    '));
    };
    await runPhase('one client, one event per request (reference)', seqTexts, seqTexts, seqJobs, 'application/json', 1);
    await runPhase(
      `${settings.singleConnections} clients, one event per request, new jobs`,
      singleTexts,
      singleTexts,
      singleJobs,
      'application/json',
      settings.singleConnections,
    );
    await runPhase(
      `${settings.singleConnections} clients, one event per request, re-runs`,
      rerunTexts,
      rerunTexts,
      rerunJobs,
      'application/json',
      settings.singleConnections,
    );
    await runPhase(
      `${settings.batchConnections} clients, NDJSON batches of ${settings.batchSize}`,
      batchTexts,
      batchBodies,
      batchJobs,
      'application/x-ndjson',
      settings.batchConnections,
    );
    const memAfterIngest = await usage(true);
    say(table([['', 'events', 's', 'events/s', 'datasets/s', 'MiB/s', 'p50 ms', 'p99 ms', 'failed', 'duplicates'], ...phases.map(ingestRow)]));
    say(
      '(events/s counts events in 2xx answers (their `accepted`); datasets/s = input + output datasets named by those events; p50/p99 = request latency under that concurrency)',
    );

    // The finished estate: SQL part + HTTP part must be exactly the generated one.
    const counts = (
      await sql.query<Record<string, string>>(
        `SELECT (SELECT count(*) FROM lineage_datasets) AS datasets, (SELECT count(*) FROM lineage_jobs) AS jobs,
                (SELECT count(*) FROM lineage_edges) AS edges, (SELECT count(*) FROM lineage_runs) AS runs,
                (SELECT count(*) FROM lineage_runs WHERE state = 'COMPLETE') AS complete,
                (SELECT count(*) FROM lineage_run_io) AS run_io, (SELECT count(*) FROM lineage_events) AS events,
                (SELECT count(*) FROM lineage_dataset_versions) AS versions,
                pg_size_pretty(pg_database_size(current_database())) AS size`,
      )
    ).rows[0]!;
    const acceptedTotal = phases.reduce((s, p) => s + p.result.accepted, 0);
    const complete =
      Number(counts['edges']) === settings.edges &&
      Number(counts['jobs']) === settings.jobs &&
      Number(counts['datasets']) === settings.datasets &&
      Number(counts['runs']) === settings.jobs + rerunJobs.length &&
      Number(counts['events']) === acceptedTotal;
    say(
      `stored estate: ${int(Number(counts['datasets']))} datasets, ${int(Number(counts['jobs']))} jobs, ${int(Number(counts['edges']))} edges, ` +
        `${int(Number(counts['runs']))} runs (${int(Number(counts['complete']))} COMPLETE), ${int(Number(counts['run_io']))} run inputs/outputs, ` +
        `${int(Number(counts['versions']))} dataset versions, ${int(Number(counts['events']))} lineage_events (= events accepted over HTTP: ${int(acceptedTotal)}); database ${counts['size']}`,
    );
    say(
      complete
        ? `  = exactly the generated estate, plus ${int(rerunJobs.length)} second runs (every event sent over HTTP was stored, none twice)`
        : `  ! NOT the generated estate (expected ${int(settings.datasets)} datasets, ${int(settings.jobs)} jobs, ${int(settings.edges)} edges, ` +
            `${int(settings.jobs + rerunJobs.length)} runs, ${int(acceptedTotal)} events): traversal figures below are on what was stored`,
    );
    t0 = Date.now();
    // As autovacuum would after this many writes (the walk's index-only scans need the visibility map).
    await sql.query('VACUUM (ANALYZE) lineage_datasets, lineage_jobs, lineage_edges, lineage_runs, lineage_run_io, lineage_dataset_versions, lineage_events');
    say(
      `VACUUM (ANALYZE) of the lineage tables after ingest: ${fixed((Date.now() - t0) / 1000, 1)} s (autovacuum's job in a running system; done here so it does not run during the traversals)`,
    );

    // -------------------------------------------------------------------------------------------
    section(`lineage traversal: GraphQL lineage(nodeId, direction, depth) vs one raw recursive SQL query`);
    say(
      `budgets (src/lineage/graph/lineage-graph.limits.ts, used by both): ${NODE_BUDGET} nodes, ${FAN_OUT_CAP} neighbours per node per hop, ${NODE_BUDGET * WALK_ROWS_PER_NODE} walk rows`,
    );
    say(
      `API: user "risk" (risk_officer: lineage.read in every domain), sequential requests over one keep-alive connection; query: ${LINEAGE_QUERY.replace(/\s+/g, ' ')}`,
    );
    say(
      'raw: the same walk, bounds and answer (node ids, distances, edges, partial) as one statement on one pg connection from this process; both timed to the last byte, not parsed',
    );
    const pickNodes = (candidates: number[]) => {
      const out: number[] = [];
      const step2 = Math.max(1, Math.floor(candidates.length / settings.nodesPerClass));
      for (let i = 0; i < candidates.length && out.length < settings.nodesPerClass; i += step2) out.push(candidates[i]!);
      return out.map((d) => datasetName(estate, d));
    };
    const chainEnds = estate.chains.map((c) => c[c.length - 1]!);
    const trand = prng(settings.seed + 2);
    const typical: number[] = [];
    for (let tries = 0; typical.length < settings.nodesPerClass * 5 && tries < 1_000_000; tries++) {
      const d = Math.floor(trand() * estate.datasetCount);
      const level = estate.datasetLevel[d]!;
      if (level >= 4 && level <= 8 && estate.readBy[d]! >= 1) typical.push(d);
    }
    const classes: { label: string; direction: Direction; nodes: { namespace: string; name: string }[] }[] = [
      { label: 'hub ↓', direction: 'DOWNSTREAM', nodes: pickNodes(estate.hubs.slice(0, settings.nodesPerClass)) },
      { label: 'chain end ↑', direction: 'UPSTREAM', nodes: pickNodes(chainEnds) },
      { label: 'typical ↕', direction: 'BOTH', nodes: pickNodes(typical) },
    ];
    say(
      `nodes: hub ↓ = the ${classes[0]!.nodes.length} most-read datasets (read by ${estate.hubs
        .slice(0, settings.nodesPerClass)
        .map((d) => int(estate.readBy[d]!))
        .join(', ')} jobs), DOWNSTREAM (what breaks if it is withdrawn); ` +
        `chain end ↑ = last dataset of ${classes[1]!.nodes.length} chains, UPSTREAM (what it was made from); typical ↕ = ${classes[2]!.nodes.length} datasets of levels 4–8 read by ≥ 1 job, BOTH`,
    );
    say(
      `  e.g. dataset:${classes[0]!.nodes[0]!.namespace}:${classes[0]!.nodes[0]!.name}, dataset:${classes[1]!.nodes[0]!.namespace}:${classes[1]!.nodes[0]!.name}`,
    );

    const api = new KeepAliveClient(`${server.url}/graphql`, { 'content-type': 'application/json', authorization: `Bearer ${readerToken}` }, '{}');
    clients.push(api);
    const apiCall = async (node: { namespace: string; name: string }, direction: Direction, depth: number) => {
      const body = JSON.stringify({ query: LINEAGE_QUERY, variables: { nodeId: `dataset:${node.namespace}:${node.name}`, direction, depth } });
      const r = await api.post(body);
      return {
        ms: r.ns / 1e6,
        reused: r.reused,
        answer: () => {
          const parsed = JSON.parse(r.body) as { data?: { lineage?: ApiGraph }; errors?: unknown[] };
          if (r.status !== 200 || !parsed.data?.lineage || parsed.errors) return { error: `${r.status} ${r.body.slice(0, 300)}` };
          return { graph: parsed.data.lineage };
        },
      };
    };
    const rawCall = (node: { namespace: string; name: string }, direction: Direction, depth: number) =>
      budgetedTraversal(sql!, node.namespace, node.name, direction, depth);

    const memBeforeTraversal = await usage(true);
    const memBeforeTraversalNoGc = await usage(false);
    const rows: TraversalRow[] = [];
    let newConnections = 0;
    for (const depth of [5, 20]) {
      for (const c of classes) {
        const row: TraversalRow = {
          label: c.label,
          direction: c.direction,
          depth,
          nodes: c.nodes,
          api: [],
          raw: [],
          apiPartial: 0,
          rawPartial: 0,
          apiNodes: [],
          rawNodes: [],
          maxDistance: 0,
          completeCompared: 0,
          completeIdentical: 0,
          bad: 0,
        };
        const checked = new Set<number>();
        const total = settings.traversalWarmup + settings.traversals;
        for (let i = 0; i < total; i++) {
          const k = i % c.nodes.length;
          const node = c.nodes[k]!;
          // ABBA: API first on even samples, raw first on odd ones.
          let a: Awaited<ReturnType<typeof apiCall>>;
          let b: Awaited<ReturnType<typeof rawCall>>;
          if (i % 2 === 0) {
            a = await apiCall(node, c.direction, depth);
            b = await rawCall(node, c.direction, depth);
          } else {
            b = await rawCall(node, c.direction, depth);
            a = await apiCall(node, c.direction, depth);
          }
          if (!a.reused) newConnections++;
          const got = a.answer();
          if ('error' in got) {
            row.bad++;
            if (row.bad === 1) say(`  ! ${c.label} depth ${depth}: ${got.error}`);
            continue;
          }
          const measured = i >= settings.traversalWarmup;
          if (measured) {
            row.api.push(a.ms);
            row.raw.push(b.ms);
          }
          // Each node's answer is examined once (answers do not change between samples).
          if (!checked.has(k)) {
            checked.add(k);
            const raw: BudgetedAnswer = b.answer();
            const g = got.graph;
            row.apiNodes.push(g.nodes.length);
            row.rawNodes.push(raw.nodeIds.length);
            if (g.partial) row.apiPartial++;
            if (raw.partial) row.rawPartial++;
            row.maxDistance = Math.max(row.maxDistance, ...g.nodes.map((n) => n.distance));
            if (!g.partial && !raw.partial) {
              row.completeCompared++;
              const ids = g.nodes.map((n) => n.id).sort();
              if (ids.length === raw.nodeIds.length && ids.every((id, x) => id === raw.nodeIds[x])) row.completeIdentical++;
              else row.firstMismatch ??= `${node.namespace}:${node.name}: API ${ids.length} nodes, raw ${raw.nodeIds.length}`;
            }
          }
        }
        rows.push(row);
        const s = (xs: number[]) => [...xs].sort((x, y) => x - y);
        const ap = s(row.api);
        const rp = s(row.raw);
        say(
          `  ${c.label.padEnd(12)} depth ${String(depth).padStart(2)}: API p50 ${fixed(percentile(ap, 50), 2)} ms p99 ${fixed(percentile(ap, 99), 2)} ms | raw p50 ${fixed(percentile(rp, 50), 2)} ms p99 ${fixed(percentile(rp, 99), 2)} ms` +
            ` | nodes ${Math.min(...row.apiNodes)}–${Math.max(...row.apiNodes)} (raw ${Math.min(...row.rawNodes)}–${Math.max(...row.rawNodes)}), partial ${row.apiPartial}/${row.apiNodes.length} (raw ${row.rawPartial}/${row.rawNodes.length})`,
        );
      }
    }
    const memAfterTraversalNoGc = await usage(false);
    const memAfterTraversal = await usage(true);

    say();
    const p = (xs: number[], q: number) =>
      percentile(
        [...xs].sort((x, y) => x - y),
        q,
      );
    say(
      table([
        [
          'row',
          'depth',
          'API p50',
          'API p99',
          'raw p50',
          'raw p99',
          'p50 ×',
          'p99 ×',
          'nodes API',
          'nodes raw',
          'partial API',
          'partial raw',
          'max dist',
          'same set',
        ],
        ...rows.map((r) => [
          r.label,
          String(r.depth),
          `${fixed(p(r.api, 50), 2)} ms`,
          `${fixed(p(r.api, 99), 2)} ms`,
          `${fixed(p(r.raw, 50), 2)} ms`,
          `${fixed(p(r.raw, 99), 2)} ms`,
          `${fixed(p(r.api, 50) / p(r.raw, 50), 2)}×`,
          `${fixed(p(r.api, 99) / p(r.raw, 99), 2)}×`,
          `${Math.min(...r.apiNodes)}–${Math.max(...r.apiNodes)}`,
          `${Math.min(...r.rawNodes)}–${Math.max(...r.rawNodes)}`,
          `${r.apiPartial}/${r.apiNodes.length}`,
          `${r.rawPartial}/${r.rawNodes.length}`,
          String(r.maxDistance),
          r.completeCompared === 0 ? 'n/a (partial)' : `${r.completeIdentical}/${r.completeCompared}`,
        ]),
      ]),
    );
    say(
      `(${settings.traversals} measured samples per row after ${settings.traversalWarmup} warm-up, cycling over the row's nodes, API and raw interleaved ABBA; ` +
        `"nodes" = per-node answer sizes; "partial" = answers cut by the node budget, the fan-out cap or the row bound (of the distinct nodes); ` +
        `"max dist" = edges from the start node (2 per job hop); "same set" = complete answers whose node ids equal the raw query's; bad API answers: ${rows.reduce((s, r) => s + r.bad, 0)}; ` +
        `API connections opened: ${newConnections})`,
    );
    for (const r of rows) if (r.firstMismatch) say(`  ! ${r.label} depth ${r.depth}: node sets differ, e.g. ${r.firstMismatch}`);

    // -------------------------------------------------------------------------------------------
    section(`reference: unbounded recursive SQL (depth only: no fan-out cap, no node budget), statement_timeout ${settings.unboundedTimeoutMs} ms`);
    const unboundedRows: string[][] = [['row', 'depth', 'node', 'ms', 'distinct nodes', 'rows', 'levels']];
    for (const depth of [5, 20]) {
      for (const c of classes) {
        for (let i = 0; i < Math.min(settings.unboundedSamples, c.nodes.length); i++) {
          const node = c.nodes[i]!;
          const u = await unboundedTraversal(sql, node.namespace, node.name, c.direction, depth, settings.unboundedTimeoutMs);
          unboundedRows.push([
            c.label,
            String(depth),
            `${node.name}`,
            u.timedOut ? `> ${int(settings.unboundedTimeoutMs)} (timed out)` : fixed(u.ms, 1),
            u.timedOut ? '?' : int(u.nodes),
            u.timedOut ? '?' : int(u.rows),
            u.timedOut ? '?' : String(u.maxLevel),
          ]);
        }
      }
    }
    say(table(unboundedRows));
    say('(what a traversal without budgets costs on this estate; the budgeted answers above hold at most the node budget)');

    // -------------------------------------------------------------------------------------------
    section('server memory (process.memoryUsage of the server process)');
    say(
      table([
        ['', 'rss', 'heap used', 'heap total', 'external', 'peak rss so far'],
        usageRow('before ingest (after full GC)', memBeforeIngest),
        usageRow('after ingest (after full GC)', memAfterIngest),
        usageRow('before traversals (after full GC)', memBeforeTraversal),
        usageRow('before traversals (no GC)', memBeforeTraversalNoGc),
        usageRow('after traversals (no GC)', memAfterTraversalNoGc),
        usageRow('after traversals (after full GC)', memAfterTraversal),
      ]),
    );
    const gcNote = memAfterTraversal.afterGc ? '' : ' (full GC could not be forced: heap figures include garbage)';
    say(
      `traversal load (${int(rows.reduce((s, r) => s + r.api.length, 0) + rows.length * settings.traversalWarmup)} lineage answers of up to ${NODE_BUDGET} nodes): ` +
        `heap retained after a full GC ${fixed(memAfterTraversal.heapUsedMiB - memBeforeTraversal.heapUsedMiB, 1)} MiB, ` +
        `RSS ${fixed(memBeforeTraversalNoGc.rssMiB, 0)} → ${fixed(memAfterTraversalNoGc.rssMiB, 0)} MiB, peak RSS of the whole run ${fixed(memAfterTraversal.maxRssMiB, 0)} MiB${gcNote}`,
    );
    say(
      `ingest (${int(acceptedTotal)} events): heap after a full GC ${fixed(memBeforeIngest.heapUsedMiB, 1)} → ${fixed(memAfterIngest.heapUsedMiB, 1)} MiB, RSS ${fixed(memBeforeIngest.rssMiB, 0)} → ${fixed(memAfterIngest.rssMiB, 0)} MiB`,
    );

    // -------------------------------------------------------------------------------------------
    // Inside the server: what one event costs in JavaScript before any SQL.
    const step = Math.max(1, Math.floor(singleTexts.length / settings.cpuSample));
    const sample = singleTexts.filter((_, i) => i % step === 0).slice(0, settings.cpuSample);
    section('ingest inside the server process (after the memory figures: this parses events in the server)');
    const cpu = await server.request<IngestCpuResult>('ingestCpu', { events: sample } satisfies IngestCpuRequest);
    const jsUs = cpu.parseUs + cpu.validateUs + cpu.planUs + cpu.mergeUs;
    say(
      `no I/O, ${int(cpu.events)} events of the single-event stream (mean ${fixed(cpu.bytes / cpu.events / 1024, 1)} KiB): ` +
        `JSON.parse ${fixed(cpu.parseUs, 0)} µs + ajv validation ${fixed(cpu.validateUs, 0)} µs + planEvent ${fixed(cpu.planUs, 0)} µs + mergePlans ${fixed(cpu.mergeUs, 0)} µs ` +
        `= ${fixed(jsUs, 0)} µs per event, i.e. at most ${int(1e6 / jsUs)} events/s on one core before HTTP, SQL parameters and PostgreSQL`,
    );

    // -------------------------------------------------------------------------------------------
    section('server log');
    const log = await countErrorLogLines(logFile);
    say(`${int(log.lines)} log lines, ${log.errors} at error level or above${log.firstError ? ` (first: ${log.firstError})` : ''}`);

    // -------------------------------------------------------------------------------------------
    section('verdict');
    const single = phases[1]!;
    const rerun = phases[2]!;
    const batch = phases[3]!;
    const ingestVerdict = (ph: IngestPhase) => {
      const rate = ph.result.accepted / ph.result.seconds;
      const invalid = ph.result.non2xx + ph.result.errors > 0 || ph.result.accepted !== ph.events;
      return `${int(rate)} events/s (goal ≥ ${int(GOAL_EVENTS_PER_SEC)}): ${invalid ? 'INVALID (failed requests or events not accepted)' : rate >= GOAL_EVENTS_PER_SEC ? 'met' : 'NOT met'}`;
    };
    say(
      `estate: ${complete ? 'complete' : 'INCOMPLETE'} (${int(Number(counts['datasets']))} datasets, ${int(Number(counts['jobs']))} jobs, ${int(Number(counts['edges']))} edges)`,
    );
    say(`ingest, single events from ${settings.singleConnections} clients, jobs seen for the first time: ${ingestVerdict(single)}`);
    say(`ingest, single events from ${settings.singleConnections} clients, re-runs of known jobs: ${ingestVerdict(rerun)}`);
    say(`ingest, NDJSON batches of ${settings.batchSize}: ${ingestVerdict(batch)}`);
    for (const r of rows.filter((x) => x.depth === 20)) {
      const apiP99 = p(r.api, 99);
      const ratio = apiP99 / p(r.raw, 99);
      const valid = r.bad === 0;
      say(
        `lineage depth 20, ${r.label}: p99 ${fixed(apiP99, 1)} ms (goal < ${GOAL_DEPTH20_P99_MS} ms): ${!valid ? 'INVALID' : apiP99 < GOAL_DEPTH20_P99_MS ? 'met' : 'NOT met'}; ` +
          `${fixed(ratio, 2)}× the raw query's p99 (goal ≤ ${GOAL_RATIO_TO_RAW}×): ${!valid ? 'INVALID' : ratio <= GOAL_RATIO_TO_RAW ? 'met' : 'NOT met'}; ` +
          `partial answers: API ${r.apiPartial}/${r.apiNodes.length}, raw ${r.rawPartial}/${r.rawNodes.length}`,
      );
    }
    say(
      `memory: server heap retained after the traversal load ${fixed(memAfterTraversal.heapUsedMiB - memBeforeTraversal.heapUsedMiB, 1)} MiB; RSS at most ${fixed(memAfterTraversal.maxRssMiB, 0)} MiB over the whole run`,
    );
    say(`load average at end: ${loadAverage()}`);
    say(`total bench time: ${fixed((Date.now() - started) / 1000, 0)} s`);
  } finally {
    for (const c of clients) c.close();
    await server?.stop().catch((e: unknown) => say(`! stopping the server: ${String(e)}`));
    await sql?.end().catch(() => undefined);
    await idp?.close().catch(() => undefined);
    await db?.drop().catch((e: unknown) => say(`! dropping ${db?.name}: ${String(e)}`));
    await pg?.stop().catch(() => undefined);
    await fs.rm(work, { recursive: true, force: true });
  }
}

runBenchmark('bench:lineage', main);
