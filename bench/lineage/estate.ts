/**
 * A synthetic lineage estate for bench/lineage.bench.ts: datasets, jobs and the job-level edges
 * between them (input dataset -> job -> output dataset), generated deterministically from a seed.
 *
 * Shape, chosen to look like a data platform rather than a random graph:
 *
 * - **Layers.** Sources (level 0: tables of operational databases, topics; no job writes them), then
 *   levels 1..LEVELS of derived datasets. A job at level k writes datasets of level k and reads
 *   datasets of levels < k, so the main graph is a DAG whose longest path is LEVELS job hops.
 * - **One writer per dataset** (a few have two), so most jobs write 1–3 datasets.
 * - **Power-law reads.** Each dataset has a popularity rank; a read picks a dataset with weight
 *   (rank + 20)^-1, among the levels below the job. The most popular ranks go to sources and early
 *   levels (customers, orders, the clickstream, the date dimension...): a few hubs are read by
 *   thousands of jobs, the median dataset by a handful.
 * - **Domains.** Datasets and jobs belong to one of DOMAINS business units; 70% of a job's reads
 *   stay in its own domain.
 * - **Fan-in.** Most jobs (NORMAL_SHARE) read 1–5 datasets. The others are wide jobs (unions of
 *   partitions, data-quality scans, feature builders) whose input counts follow a Pareto tail, sized
 *   so that the estate has exactly the requested number of edges: with 1,000,000 edges over 50,000
 *   jobs the mean job has 20 edges, which 1–5 inputs cannot give.
 * - **Long chains.** CHAINS chains of CHAIN_LENGTH jobs, each reading the previous step's dataset
 *   (and sometimes a source) and writing the next: lineage 20+ job hops deep.
 *
 * Edges are held in flat typed arrays, grouped by job (CSR), so a 1,000,000-edge estate takes ~10 MB.
 */
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { prng } from '../../src/common/prng';

export interface EstateSize {
  datasets: number;
  jobs: number;
  /** Job-level edges (input + output), exactly. */
  edges: number;
  chains: number;
  /** Job hops per chain. */
  chainLength: number;
  seed: number;
}

export const DOMAINS = [
  'sales',
  'marketing',
  'finance',
  'risk',
  'payments',
  'logistics',
  'support',
  'hr',
  'product',
  'growth',
  'fraud',
  'pricing',
  'supply',
  'legal',
  'research',
  'platform',
] as const;

/** Derived levels above the sources. */
export const LEVELS = 12;
const SOURCE_SHARE = 0.2;
const NORMAL_SHARE = 0.8;
/** Reads that stay in the job's domain. */
const LOCAL_READS = 0.7;
/** Popularity weight of rank r: (r + RANK_OFFSET)^-1. */
const RANK_OFFSET = 20;
/** Hub ranks placed on sources (the first half) and levels 1–2 (the second half). */
const HUBS = 20;
const WIDE_MIN = 20;
const WIDE_ALPHA = 1.1;
// A job reading 1,000 datasets sends ~750 KB events: under the default 1 MiB body limit of single-event requests.
const WIDE_CAP = 1000;
const SECOND_WRITER_SHARE = 0.03;
const CHAIN_SIDE_INPUT = 0.3;

export interface Estate {
  size: EstateSize;
  datasetCount: number;
  jobCount: number;
  /** Per dataset: level (0 = source; chain datasets: -1), domain index, popularity rank (-1 for chain datasets). */
  datasetLevel: Int16Array;
  datasetDomain: Uint8Array;
  datasetRank: Int32Array;
  /** Per job: level (chain jobs: -1), domain index, whether it is a wide job. */
  jobLevel: Int16Array;
  jobDomain: Uint8Array;
  jobWide: Uint8Array;
  /** Edges of job j are edgeDataset[jobStart[j] .. jobStart[j+1]), inputs first (edgeOutput 0), then outputs (1). */
  jobStart: Int32Array;
  edgeDataset: Int32Array;
  edgeOutput: Uint8Array;
  /** Dataset indexes of each chain, from its base dataset (step 0, a regular dataset) to its end. */
  chains: Int32Array[];
  /** The most-read datasets, most read first. */
  hubs: number[];
  /** Reads per dataset (how many jobs take it as input). */
  readBy: Int32Array;
}

/** Fisher–Yates, in place. */
function shuffle<T extends { length: number; [i: number]: number }>(xs: T, rand: () => number): T {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = xs[i]!;
    xs[i] = xs[j]!;
    xs[j] = t;
  }
  return xs;
}

/** Weighted sampling over a prefix of `members` (sorted by level): index of the first cumulative weight above u. */
class Pool {
  readonly members: Int32Array;
  readonly cumulative: Float64Array;
  /** levelEnd[k] = number of members with level < k. */
  readonly levelEnd: Int32Array;

  constructor(members: number[], level: Int16Array, weight: (d: number) => number) {
    members.sort((a, b) => level[a]! - level[b]! || a - b);
    this.members = Int32Array.from(members);
    this.cumulative = new Float64Array(members.length);
    let sum = 0;
    members.forEach((d, i) => (this.cumulative[i] = sum += weight(d)));
    this.levelEnd = new Int32Array(LEVELS + 2);
    let i = 0;
    for (let k = 0; k <= LEVELS + 1; k++) {
      while (i < members.length && level[members[i]!]! < k) i++;
      this.levelEnd[k] = i;
    }
  }

  /** Members of levels below `level`. */
  sizeBelow(level: number): number {
    return this.levelEnd[level]!;
  }

  /** A member of a level below `level`, by weight. */
  pick(level: number, rand: () => number): number {
    const end = this.levelEnd[level]!;
    if (end === 0) return -1;
    const u = rand() * this.cumulative[end - 1]!;
    let lo = 0;
    let hi = end - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cumulative[mid]! > u) hi = mid;
      else lo = mid + 1;
    }
    return this.members[lo]!;
  }
}

export function generateEstate(size: EstateSize): Estate {
  const rand = prng(size.seed);
  const chainDatasets = size.chains * size.chainLength;
  const regularDatasets = size.datasets - chainDatasets;
  const regularJobs = size.jobs - chainDatasets;
  if (regularDatasets < 100 || regularJobs < 100) throw new Error(`estate too small for ${size.chains} chains of ${size.chainLength}`);

  // --- datasets: sources, then LEVELS levels of derived datasets; chain datasets last.
  const datasetLevel = new Int16Array(size.datasets);
  const datasetDomain = new Uint8Array(size.datasets);
  const sources = Math.round(regularDatasets * SOURCE_SHARE);
  for (let d = 0; d < regularDatasets; d++) {
    datasetLevel[d] = d < sources ? 0 : 1 + Math.floor(((d - sources) * LEVELS) / (regularDatasets - sources));
    datasetDomain[d] = Math.floor(rand() * DOMAINS.length);
  }
  for (let d = regularDatasets; d < size.datasets; d++) datasetLevel[d] = -1;

  // Popularity ranks: hubs on sources and levels 1–2, the rest at random.
  const datasetRank = new Int32Array(size.datasets).fill(-1);
  const byRank: number[] = [];
  const early = (lo: number, hi: number) => {
    const candidates: number[] = [];
    for (let d = 0; d < regularDatasets; d++) if (datasetLevel[d]! >= lo && datasetLevel[d]! <= hi) candidates.push(d);
    return shuffle(candidates, rand);
  };
  const hubSet = new Set([...early(0, 0).slice(0, HUBS / 2), ...early(1, 2).slice(0, HUBS / 2)]);
  byRank.push(...hubSet);
  const rest = shuffle(
    Array.from({ length: regularDatasets }, (_, d) => d).filter((d) => !hubSet.has(d)),
    rand,
  );
  byRank.push(...rest);
  byRank.forEach((d, r) => (datasetRank[d] = r));
  const weight = (d: number) => 1 / (datasetRank[d]! + RANK_OFFSET);
  const regular = Array.from({ length: regularDatasets }, (_, d) => d);
  const globalPool = new Pool([...regular], datasetLevel, weight);

  // --- regular jobs, by level in proportion to the datasets they write.
  const derivedByLevel: number[][] = Array.from({ length: LEVELS + 1 }, () => []);
  for (let d = sources; d < regularDatasets; d++) derivedByLevel[datasetLevel[d]!]!.push(d);
  const jobLevel = new Int16Array(size.jobs);
  const jobDomain = new Uint8Array(size.jobs);
  const jobWide = new Uint8Array(size.jobs);
  const outputsOf: number[][] = Array.from({ length: size.jobs }, () => []);
  let j = 0;
  const derived = regularDatasets - sources;
  for (let k = 1; k <= LEVELS; k++) {
    const level = derivedByLevel[k]!;
    const jobsHere = k === LEVELS ? regularJobs - j : Math.round((regularJobs * level.length) / derived);
    if (jobsHere > level.length) throw new Error(`more jobs than datasets at level ${k}: give more datasets or fewer jobs`);
    const first = j;
    for (let n = 0; n < jobsHere; n++, j++) jobLevel[j] = k;
    // Each job writes one dataset of its level; the others are dealt at random; a few get a second writer.
    const order = shuffle([...level], rand);
    order.forEach((d, i) => {
      const writer = i < jobsHere ? first + i : first + Math.floor(rand() * jobsHere);
      outputsOf[writer]!.push(d);
      if (rand() < SECOND_WRITER_SHARE) {
        const other = first + Math.floor(rand() * jobsHere);
        if (other !== writer) outputsOf[other]!.push(d);
      }
    });
    for (let n = first; n < j; n++) {
      const outs = outputsOf[n]!;
      // A job's domain is that of its first output; outputs are moved into the job's domain.
      jobDomain[n] = datasetDomain[outs[0]!]!;
      for (const d of outs) datasetDomain[d] = jobDomain[n]!;
    }
  }
  // After the writers moved their outputs into their domains.
  const domainPools = DOMAINS.map(
    (_, i) =>
      new Pool(
        regular.filter((d) => datasetDomain[d] === i),
        datasetLevel,
        weight,
      ),
  );

  // --- input counts: 1–5 for most jobs, a Pareto tail for wide ones, scaled to the edge budget.
  const chainEdgesEstimate = Math.round(size.chains * size.chainLength * (2 + CHAIN_SIDE_INPUT));
  const outputEdges = outputsOf.reduce((s, o) => s + o.length, 0);
  const inputCount = new Int32Array(regularJobs);
  const normalCounts = [1, 1, 1, 2, 2, 2, 3, 3, 4, 5];
  let normalInputs = 0;
  const wideJobs: number[] = [];
  const wideRaw: number[] = [];
  for (let n = 0; n < regularJobs; n++) {
    const below = globalPool.sizeBelow(jobLevel[n]!);
    if (rand() < NORMAL_SHARE) {
      inputCount[n] = Math.min(below, normalCounts[Math.floor(rand() * normalCounts.length)]!);
      normalInputs += inputCount[n]!;
    } else {
      jobWide[n] = 1;
      wideJobs.push(n);
      wideRaw.push(Math.min(WIDE_CAP, WIDE_MIN * Math.pow(1 - rand(), -1 / WIDE_ALPHA)));
    }
  }
  const wideBudget = size.edges - outputEdges - normalInputs - chainEdgesEstimate;
  if (wideBudget < wideJobs.length) throw new Error(`edge budget ${size.edges} too small for ${size.jobs} jobs`);
  const scale = wideBudget / wideRaw.reduce((s, x) => s + x, 0);
  // A wide job reads at most WIDE_CAP datasets and half of what lies below it (distinct picks stay cheap).
  const wideMax = (n: number) => Math.max(1, Math.min(WIDE_CAP, Math.floor(globalPool.sizeBelow(jobLevel[n]!) / 2)));
  let assigned = 0;
  wideJobs.forEach((n, i) => {
    inputCount[n] = Math.max(1, Math.min(wideMax(n), Math.round(wideRaw[i]! * scale)));
    assigned += inputCount[n];
  });

  // --- chains: chain c is datasets base, step 1..L; job i reads step i-1 (and sometimes a source), writes step i.
  const chains: Int32Array[] = [];
  const chainJobs: { inputs: number[]; output: number; domain: number }[] = [];
  for (let c = 0; c < size.chains; c++) {
    const domain = Math.floor(rand() * DOMAINS.length);
    const base = domainPools[domain]!.pick(3, rand);
    const chain = new Int32Array(size.chainLength + 1);
    chain[0] = base;
    for (let i = 1; i <= size.chainLength; i++) {
      const d = regularDatasets + c * size.chainLength + (i - 1);
      datasetDomain[d] = domain;
      chain[i] = d;
      const inputs = [chain[i - 1]!];
      if (rand() < CHAIN_SIDE_INPUT) inputs.push(domainPools[domain]!.pick(1, rand));
      chainJobs.push({ inputs: [...new Set(inputs.filter((x) => x >= 0))], output: d, domain });
    }
    chains.push(chain);
  }
  const chainEdges = chainJobs.reduce((s, cj) => s + cj.inputs.length + 1, 0);
  // Hit the edge budget exactly: move the difference onto wide jobs that have room.
  let missing = size.edges - outputEdges - normalInputs - assigned - chainEdges;
  for (let i = 0; missing !== 0 && wideJobs.length > 0; i = (i + 1) % wideJobs.length) {
    const n = wideJobs[i]!;
    if (missing > 0 && inputCount[n]! < wideMax(n)) {
      inputCount[n]!++;
      missing--;
    } else if (missing < 0 && inputCount[n]! > WIDE_MIN) {
      inputCount[n]!--;
      missing++;
    }
  }

  // --- edges, grouped by job: inputs, then outputs.
  const jobStart = new Int32Array(size.jobs + 1);
  const edgeDataset = new Int32Array(size.edges);
  const edgeOutput = new Uint8Array(size.edges);
  const readBy = new Int32Array(size.datasets);
  let e = 0;
  const picked = new Set<number>();
  for (let n = 0; n < regularJobs; n++) {
    jobStart[n] = e;
    picked.clear();
    const level = jobLevel[n]!;
    const local = domainPools[jobDomain[n]!]!;
    const want = inputCount[n]!;
    let attempts = 0;
    while (picked.size < want) {
      const useLocal = rand() < LOCAL_READS && local.sizeBelow(level) > 0 && attempts < want * 20;
      const d = (useLocal ? local : globalPool).pick(level, rand);
      attempts++;
      if (d >= 0) picked.add(d);
    }
    for (const d of picked) {
      edgeDataset[e] = d;
      edgeOutput[e++] = 0;
      readBy[d]!++;
    }
    for (const d of outputsOf[n]!) {
      edgeDataset[e] = d;
      edgeOutput[e++] = 1;
    }
  }
  chainJobs.forEach((cj, i) => {
    const n = regularJobs + i;
    jobStart[n] = e;
    jobLevel[n] = -1;
    jobDomain[n] = cj.domain;
    for (const d of cj.inputs) {
      edgeDataset[e] = d;
      edgeOutput[e++] = 0;
      readBy[d]!++;
    }
    edgeDataset[e] = cj.output;
    edgeOutput[e++] = 1;
  });
  jobStart[size.jobs] = e;
  if (e !== size.edges) throw new Error(`generated ${e} edges, expected ${size.edges}`);

  const hubs = Array.from({ length: regularDatasets }, (_, d) => d)
    .sort((a, b) => readBy[b]! - readBy[a]! || a - b)
    .slice(0, 50);
  return {
    size,
    datasetCount: size.datasets,
    jobCount: size.jobs,
    datasetLevel,
    datasetDomain,
    datasetRank,
    jobLevel,
    jobDomain,
    jobWide,
    jobStart,
    edgeDataset,
    edgeOutput,
    chains,
    hubs,
    readBy,
  };
}

// ---------------------------------------------------------------------------------------------
// Names, schemas and ids: derived from the index (and the seed), so any part can be produced alone.

const SOURCE_NAMESPACES = (domain: string) => [`postgres://${domain}-db.internal:5432`, `mysql://${domain}-oltp.internal:3306`, 'kafka://events.internal:9092'];
const DERIVED_NAMESPACES = ['s3://acme-lake', 'snowflake://acme.eu-west-1', 'bigquery'];
const LAYERS = ['stg', 'int', 'core', 'mart', 'agg', 'feat', 'rpt'];
const NOUNS = ['orders', 'customers', 'payments', 'sessions', 'events', 'invoices', 'shipments', 'tickets', 'accounts', 'products', 'prices', 'claims'];
const FIELD_NAMES = [
  'id',
  'customer_id',
  'order_id',
  'amount',
  'currency',
  'created_at',
  'updated_at',
  'status',
  'country',
  'email',
  'score',
  'segment',
  'channel',
];
const FIELD_TYPES = ['BIGINT', 'VARCHAR', 'TIMESTAMP', 'DECIMAL(18,2)', 'DOUBLE', 'BOOLEAN'];

export interface DatasetName {
  namespace: string;
  name: string;
}

export function datasetName(estate: Estate, d: number): DatasetName {
  const domain = DOMAINS[estate.datasetDomain[d]!]!;
  const level = estate.datasetLevel[d]!;
  if (level === -1) {
    const c = Math.floor((d - (estate.datasetCount - estate.size.chains * estate.size.chainLength)) / estate.size.chainLength);
    const step = 1 + ((d - (estate.datasetCount - estate.size.chains * estate.size.chainLength)) % estate.size.chainLength);
    return { namespace: DERIVED_NAMESPACES[0]!, name: `${domain}.chain_${String(c).padStart(3, '0')}.step_${String(step).padStart(2, '0')}` };
  }
  const noun = NOUNS[d % NOUNS.length]!;
  if (level === 0) {
    const ns = SOURCE_NAMESPACES(domain);
    return { namespace: ns[d % ns.length]!, name: `public.${noun}_${d}` };
  }
  return { namespace: DERIVED_NAMESPACES[d % DERIVED_NAMESPACES.length]!, name: `${domain}.${LAYERS[(level - 1) % LAYERS.length]}_${noun}_l${level}_${d}` };
}

export function jobName(estate: Estate, j: number): DatasetName {
  const domain = DOMAINS[estate.jobDomain[j]!]!;
  const level = estate.jobLevel[j]!;
  if (level === -1) return { namespace: `airflow-${domain}`, name: `chain_pipeline.step_job_${j}` };
  const kind = j % 3 === 0 ? 'spark' : j % 3 === 1 ? 'airflow' : 'dbt';
  return { namespace: `${kind}-${domain}`, name: `${domain}_l${level}.${estate.jobWide[j] ? 'wide_' : ''}task_${j}` };
}

export interface FieldSpec {
  name: string;
  type: string;
}

/** 3–10 fields, the same for a dataset on every call. */
export function datasetFields(estate: Estate, d: number): FieldSpec[] {
  const rand = prng(estate.size.seed * 7919 + d);
  const n = 3 + Math.floor(rand() * 8);
  const fields: FieldSpec[] = [];
  const used = new Set<string>();
  while (fields.length < n) {
    const base = FIELD_NAMES[Math.floor(rand() * FIELD_NAMES.length)]!;
    const name = used.has(base) ? `${base}_${fields.length}` : base;
    used.add(name);
    fields.push({ name, type: FIELD_TYPES[Math.floor(rand() * FIELD_TYPES.length)]! });
  }
  return fields;
}

/**
 * The schema hash ingest computes for these fields (src/lineage/ingest/ingest-plan.ts: sha256 of
 * the canonical JSON of [name, type] pairs), so versions loaded by SQL and sent over HTTP agree.
 */
export function schemaHash(fields: FieldSpec[]): string {
  return createHash('sha256')
    .update(canonicalize(fields.map((f) => [f.name, f.type])) ?? '')
    .digest('hex');
}

/** A deterministic UUID (version 4 layout) for entity `kind` number `i`. */
export function uuidOf(seed: number, kind: number, i: number): string {
  const h = createHash('sha256').update(`${seed}:${kind}:${i}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export const ENTITY = { dataset: 1, job: 2, run: 3, datasetVersion: 4, jobVersion: 5 } as const;

// ---------------------------------------------------------------------------------------------
// Statistics, for the report

export interface EstateStats {
  inputsPerJob: { p50: number; p90: number; p99: number; max: number; normalShare: number };
  outputsPerJob: { p50: number; p90: number; max: number; oneToThree: number };
  readByPerDataset: { p50: number; p90: number; p99: number; unread: number };
  topHubs: { d: number; readBy: number; level: number }[];
  longestChain: number;
}

export function estateStats(estate: Estate): EstateStats {
  const ins: number[] = [];
  const outs: number[] = [];
  for (let j = 0; j < estate.jobCount; j++) {
    let i = 0;
    let o = 0;
    for (let e = estate.jobStart[j]!; e < estate.jobStart[j + 1]!; e++)
      if (estate.edgeOutput[e]) o++;
      else i++;
    ins.push(i);
    outs.push(o);
  }
  const sortedIns = [...ins].sort((a, b) => a - b);
  const sortedOuts = [...outs].sort((a, b) => a - b);
  const reads = Array.from(estate.readBy).sort((a, b) => a - b);
  const at = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
  return {
    inputsPerJob: {
      p50: at(sortedIns, 50),
      p90: at(sortedIns, 90),
      p99: at(sortedIns, 99),
      max: sortedIns.at(-1)!,
      normalShare: ins.filter((n) => n >= 1 && n <= 5).length / ins.length,
    },
    outputsPerJob: {
      p50: at(sortedOuts, 50),
      p90: at(sortedOuts, 90),
      max: sortedOuts.at(-1)!,
      oneToThree: outs.filter((n) => n >= 1 && n <= 3).length / outs.length,
    },
    readByPerDataset: { p50: at(reads, 50), p90: at(reads, 90), p99: at(reads, 99), unread: reads.filter((n) => n === 0).length },
    topHubs: estate.hubs.slice(0, 10).map((d) => ({ d, readBy: estate.readBy[d]!, level: estate.datasetLevel[d]! })),
    longestChain: estate.size.chainLength,
  };
}
