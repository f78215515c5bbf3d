/**
 * `npm run bench:reports`: time and peak memory to produce a model audit pack (PDF + JSON + signed
 * manifest, written to disk) with a 500-node training lineage, 200 access grants and the summary
 * of 1,000,000 prediction records, against an empty pack as the baseline, in the same run.
 *
 * What is timed is the reports module's part: building the pack document from gathered input,
 * rendering the PDF (layout of the lineage with ELK included), canonical JSON, hashing, signing and
 * writing the files. Aggregating the 1M records into the summary (volume per day, percentiles...)
 * is the predictions module's query, not measured here; the synthetic summary has the shape and
 * size that aggregation returns (31 days, percentiles, a 25-record sample).
 *
 * Each run is a fresh child process, so its peak RSS (`process.resourceUsage().maxRSS`) is its own
 * and the timings are cold, as for a report job in a server. Settings: REPORTS_BENCH_RUNS (3),
 * REPORTS_BENCH_NODES (500), REPORTS_BENCH_GRANTS (200), REPORTS_BENCH_RECORDS (1000000).
 * Goal of issue 8: under 5 s and under 300 MB. It reports; it never fails on a missed goal.
 */
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { buildPackFiles } from '../src/reports/pack/pack-files';
import { ReportStorage } from '../src/reports/report-storage';
import { FIXTURE_REPORT_ID, syntheticModelPack, type ModelPackSize } from '../test/fixtures/report-packs';
import { envInt, fixed, machineLine, median, runBenchmark, say, section, table } from './support';

interface ChildResult {
  ms: number;
  maxRssMiB: number;
  pdfBytes: number;
  jsonBytes: number;
  pages: number;
}

const GOAL_MS = 5000;
const GOAL_MIB = 300;

/** In the child: one pack, timed from synthetic input to files on disk. */
async function child(size: ModelPackSize): Promise<void> {
  const { privateKey } = generateKeyPairSync('ed25519');
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'charter-reports-bench-'));
  try {
    const started = performance.now();
    const pack = syntheticModelPack(size);
    const files = await buildPackFiles(pack, { privateKey, keyId: 'bench' });
    await new ReportStorage(dir).write(FIXTURE_REPORT_ID, files);
    const ms = performance.now() - started;
    const pages = (files.pdf.toString('latin1').match(/\/Type \/Page\b/g) ?? []).length;
    const result: ChildResult = { ms, maxRssMiB: process.resourceUsage().maxRSS / 1024, pdfBytes: files.pdf.length, jsonBytes: files.packJson.length, pages };
    process.stdout.write(JSON.stringify(result));
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

async function runChild(size: ModelPackSize): Promise<ChildResult> {
  const { stdout } = await promisify(execFile)(process.execPath, [__filename, 'child', JSON.stringify(size)], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout) as ChildResult;
}

async function main(): Promise<void> {
  const runs = envInt('REPORTS_BENCH_RUNS', 3);
  const full: ModelPackSize = {
    lineageNodes: envInt('REPORTS_BENCH_NODES', 500),
    grants: envInt('REPORTS_BENCH_GRANTS', 200),
    records: envInt('REPORTS_BENCH_RECORDS', 1_000_000),
  };
  const empty: ModelPackSize = { lineageNodes: 1, grants: 0, records: 0 };
  say(`bench:reports on ${machineLine()}`);
  say(`${runs} cold run(s) per variant, each in its own process; median time, highest peak RSS.`);
  const results: { name: string; size: ModelPackSize; runs: ChildResult[] }[] = [];
  for (const [name, size] of [
    ['baseline: empty model pack', empty],
    [`model pack: ${full.lineageNodes}-node lineage, ${full.grants} grants, ${full.records.toLocaleString('en-US')} records`, full],
  ] as const) {
    const done: ChildResult[] = [];
    // Alternate nothing: variants run back to back, runs of one variant in sequence (2-core machine, shared).
    for (let i = 0; i < runs; i += 1) done.push(await runChild(size));
    results.push({ name, size, runs: done });
  }
  section('pack generation (input → PDF + JSON + signed manifest on disk)');
  const base = results[0]!;
  const rows = results.map((r) => {
    const ms = median(r.runs.map((x) => x.ms));
    const rss = Math.max(...r.runs.map((x) => x.maxRssMiB));
    const last = r.runs.at(-1)!;
    return [
      r.name,
      `${fixed(ms, 0)} ms`,
      `${fixed(rss, 0)} MiB`,
      `${last.pages}`,
      `${fixed(last.pdfBytes / 1024, 0)} KiB`,
      `${fixed(last.jsonBytes / 1024, 0)} KiB`,
      `${fixed(ms / median(base.runs.map((x) => x.ms)), 1)}×`,
      `${fixed(rss / Math.max(...base.runs.map((x) => x.maxRssMiB)), 2)}×`,
    ];
  });
  say(table([['variant', 'time', 'peak RSS', 'pages', 'pack.pdf', 'pack.json', 'time vs baseline', 'RSS vs baseline'], ...rows]));
  const big = results[1]!;
  const ms = median(big.runs.map((x) => x.ms));
  const rss = Math.max(...big.runs.map((x) => x.maxRssMiB));
  say();
  say(`goal (issue 8): < ${GOAL_MS} ms and < ${GOAL_MIB} MB — time ${ms < GOAL_MS ? 'met' : 'MISSED'}, memory ${rss < GOAL_MIB ? 'met' : 'MISSED'}`);
  say(`all runs (ms): ${results.map((r) => `${r.name.split(':')[0]}: ${r.runs.map((x) => fixed(x.ms, 0)).join(', ')}`).join('; ')}`);
}

if (process.argv[2] === 'child') {
  child(JSON.parse(process.argv[3]!) as ModelPackSize).then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
} else {
  runBenchmark('bench:reports', main);
}
