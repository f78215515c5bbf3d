/**
 * `npm run bench:models`: the cost of a bias report (issue 6).
 *
 * Tallying per-record samples `{ group, predicted, actual }` into confusion counts, beside a bare
 * loop doing the same counting in the same run (the baseline); the same from an async generator
 * (how prediction records with feedback will be streamed in); and the metrics with their 2,000
 * bootstrap resamples, whose cost depends on the number of groups and their sizes, not on how many
 * records were tallied.
 *
 * Settings (environment): MODELS_BENCH_SAMPLES (1000000), MODELS_BENCH_GROUPS (4), MODELS_BENCH_RUNS (5).
 * It reports; it never fails on a missed goal.
 */
import { prng } from '../src/common/prng';
import { BiasComputer } from '../src/model-cards/bias/bias-computer';
import { computeBiasMetrics, countsFromSampleStream, countsFromSamples, type BiasSample, type ConfusionCounts } from '../src/model-cards/bias/bias-metrics';
import { MAX_GROUPS } from '../src/model-cards/bias/bias.service';
import { envInt, fixed, machineLine, median, runBenchmark, say, section, table } from './support';

const SAMPLES = envInt('MODELS_BENCH_SAMPLES', 1_000_000);
const GROUPS = envInt('MODELS_BENCH_GROUPS', 4);
const RUNS = envInt('MODELS_BENCH_RUNS', 5);

function samples(): BiasSample[] {
  const random = prng(42);
  const out: BiasSample[] = new Array<BiasSample>(SAMPLES);
  for (let i = 0; i < SAMPLES; i++) {
    const g = Math.floor(random() * GROUPS);
    const actual = random() < 0.4;
    // Group-dependent selection, so the report has something to find.
    out[i] = { group: `g${g}`, predicted: random() < (actual ? 0.8 : 0.2) + g * 0.02, actual };
  }
  return out;
}

/** The baseline: the same counting, booleans only, no label handling. */
function bareTally(rows: BiasSample[]): Map<string, ConfusionCounts> {
  const counts = new Map<string, ConfusionCounts>();
  for (const s of rows) {
    let c = counts.get(s.group);
    if (!c) counts.set(s.group, (c = { tp: 0, fp: 0, tn: 0, fn: 0 }));
    if (s.predicted) {
      if (s.actual) c.tp++;
      else c.fp++;
    } else if (s.actual) c.fn++;
    else c.tn++;
  }
  return counts;
}

async function timeIt(fn: () => unknown): Promise<number> {
  const times: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const start = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return median(times);
}

async function main(): Promise<void> {
  say(`bench:models — ${machineLine()}`);
  say(`${SAMPLES.toLocaleString('en')} samples in ${GROUPS} groups, median of ${RUNS} runs`);
  const rows = samples();
  const baseline = await timeIt(() => bareTally(rows));
  const tally = await timeIt(() => countsFromSamples(rows));
  const stream = await timeIt(async () => {
    async function* gen() {
      yield* rows;
    }
    return countsFromSampleStream(gen());
  });
  const counts = countsFromSamples(rows);
  const metrics = await timeIt(() => computeBiasMetrics(counts, { minGroupSize: 30 }));
  const report = computeBiasMetrics(counts, { minGroupSize: 30 });
  // The worst a request may ask (MAX_GROUPS groups just past the exact-binomial size), inline and
  // as the service runs it (BiasComputer's worker thread), with the longest the event loop — every
  // other request of the replica — waited meanwhile.
  const widest = new Map(Array.from({ length: MAX_GROUPS }, (_, i): [string, ConfusionCounts] => [`g${i}`, { tp: 16, fp: 16, tn: 16, fn: 16 }]));
  const worst = await timeIt(() => computeBiasMetrics(widest, { minGroupSize: 30 }));
  const computer = new BiasComputer();
  await computer.compute(widest, { minGroupSize: 30 }); // starts the worker
  const inlineBlock = await loopBlock(async () => computeBiasMetrics(widest, { minGroupSize: 30 }));
  const workerBlock = await loopBlock(() => computer.compute(widest, { minGroupSize: 30 }));
  const onWorker = await timeIt(() => computer.compute(widest, { minGroupSize: 30 }));
  await computer.onModuleDestroy();

  section('tally and report');
  const perSecond = (ms: number) => `${fixed(SAMPLES / (ms / 1000) / 1e6, 1)} M/s`;
  say(
    table([
      ['step', 'median', 'records', 'vs baseline'],
      ['bare loop (baseline)', `${fixed(baseline, 1)} ms`, perSecond(baseline), '1.00×'],
      ['countsFromSamples', `${fixed(tally, 1)} ms`, perSecond(tally), `${fixed(tally / baseline, 2)}×`],
      ['countsFromSampleStream (async generator)', `${fixed(stream, 1)} ms`, perSecond(stream), `${fixed(stream / baseline, 2)}×`],
      ['computeBiasMetrics (2,000 bootstrap resamples)', `${fixed(metrics, 1)} ms`, '', ''],
      [`computeBiasMetrics, ${MAX_GROUPS} groups × 64 records (worst request)`, `${fixed(worst, 1)} ms`, '', ''],
      [`the same on BiasComputer's worker thread (as the service runs it)`, `${fixed(onWorker, 1)} ms`, '', `${fixed(onWorker / worst, 2)}× inline`],
    ]),
  );
  say();
  say(
    `event loop blocked during the worst request: inline ${fixed(inlineBlock, 1)} ms, on the worker ${fixed(workerBlock, 1)} ms (longest gap between ticks of a 5 ms interval)`,
  );
  say();
  say(
    `report: demographic parity ratio ${fixed(report.demographicParityRatio.value ?? Number.NaN, 4)} ` +
      `[${fixed(report.demographicParityRatio.interval?.low ?? Number.NaN, 4)}, ${fixed(report.demographicParityRatio.interval?.high ?? Number.NaN, 4)}], ` +
      `equalized odds difference ${fixed(report.equalizedOddsDifference.value ?? Number.NaN, 4)}`,
  );
}

/** The longest gap between the ticks of a 5 ms interval while `work` runs: how long other requests would have waited. */
async function loopBlock(work: () => Promise<unknown>): Promise<number> {
  let last = performance.now();
  let longest = 0;
  const tick = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 5);
  await new Promise((resolve) => setTimeout(resolve, 20));
  await work();
  await new Promise((resolve) => setTimeout(resolve, 20));
  clearInterval(tick);
  return longest;
}

runBenchmark('bench:models', main);
