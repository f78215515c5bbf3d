import { prng } from '../../common/prng';

/**
 * Group fairness metrics, as Fairlearn (`fairlearn.metrics`) and AIF360 (`ClassificationMetric`)
 * define them, for a binary classifier whose positive prediction is the favourable outcome.
 * Pure functions: no I/O, deterministic for the same input (the bootstrap uses a seeded PRNG).
 */

/** Confusion counts of one group. */
export interface ConfusionCounts {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

export type Outcome = boolean | number | string;

/** One labelled prediction: what the predictions module's `labelledOutcomes(...)` yields. */
export interface BiasSample {
  group: string;
  predicted: Outcome;
  actual: Outcome;
}

export interface Interval {
  low: number;
  high: number;
}

/** A proportion with its Wilson score interval; value null when its denominator is 0. */
export interface RateEstimate {
  value: number | null;
  interval: Interval | null;
  /** The denominator: all records, actual positives (TPR) or actual negatives (FPR). */
  denominator: number;
}

export interface GroupMetrics extends ConfusionCounts {
  group: string;
  count: number;
  selectionRate: RateEstimate;
  truePositiveRate: RateEstimate;
  falsePositiveRate: RateEstimate;
  accuracy: RateEstimate;
  /** Fewer records than the minimum group size: reported, not compared. */
  belowMinimum: boolean;
}

/** A between-group figure with its bootstrap percentile interval and the groups at the extremes. */
export interface Disparity {
  value: number | null;
  interval: Interval | null;
  /** [group with the highest rate, group with the lowest] for the defining rate. */
  between: [string, string] | null;
}

export interface BiasMetrics {
  confidenceLevel: number;
  minGroupSize: number;
  bootstrapSamples: number;
  seed: number;
  groups: GroupMetrics[];
  comparedGroups: string[];
  demographicParityDifference: Disparity;
  demographicParityRatio: Disparity;
  /** Demographic parity ratio below 0.8 (the four-fifths rule); null when it cannot be computed. */
  fourFifthsRuleViolated: boolean | null;
  equalizedOddsDifference: Disparity;
  equalOpportunityDifference: Disparity;
}

export interface BiasOptions {
  minGroupSize: number;
  confidenceLevel?: number;
  bootstrapSamples?: number;
  seed?: number;
}

export const FOUR_FIFTHS = 0.8;
const DEFAULT_SEED = 0x5eed;

/** Whether an outcome is the positive (favourable) label. Strings compare to positiveLabel. */
export function isPositive(value: Outcome, positiveLabel = '1'): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return String(value) === positiveLabel || (positiveLabel === 'true' && value === 1);
  return value === positiveLabel || (positiveLabel === '1' && value.toLowerCase() === 'true');
}

/** Tallies labelled samples into confusion counts per group, in one pass over any iterable. */
export function countsFromSamples(samples: Iterable<BiasSample>, positiveLabel = '1'): Map<string, ConfusionCounts> {
  const counts = new Map<string, ConfusionCounts>();
  for (const s of samples) tally(counts, s, positiveLabel);
  return counts;
}

/** The same over an async iterable (records streamed from the database), holding only the counts. */
export async function countsFromSampleStream(
  samples: AsyncIterable<BiasSample> | Iterable<BiasSample>,
  positiveLabel = '1',
): Promise<Map<string, ConfusionCounts>> {
  const counts = new Map<string, ConfusionCounts>();
  for await (const s of samples) tally(counts, s, positiveLabel);
  return counts;
}

function tally(counts: Map<string, ConfusionCounts>, s: BiasSample, positiveLabel: string): void {
  let c = counts.get(s.group);
  if (!c) counts.set(s.group, (c = { tp: 0, fp: 0, tn: 0, fn: 0 }));
  const predicted = isPositive(s.predicted, positiveLabel);
  const actual = isPositive(s.actual, positiveLabel);
  if (predicted) {
    if (actual) c.tp += 1;
    else c.fp += 1;
  } else if (actual) c.fn += 1;
  else c.tn += 1;
}

/** Two-sided standard normal quantile for a confidence level (Acklam's rational approximation). */
export function normalQuantile(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  const tail = (q: number) =>
    (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  if (p < low) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - low) return -tail(Math.sqrt(-2 * Math.log(1 - p)));
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}

/**
 * Wilson score interval for x successes in n trials. Chosen over the normal (Wald) interval
 * because it stays inside [0, 1] and keeps its coverage for small groups and rates near 0 or 1,
 * exactly where fairness questions arise (small minorities, rare positives).
 */
export function wilson(x: number, n: number, confidenceLevel = 0.95): Interval | null {
  if (n <= 0) return null;
  const z = normalQuantile(1 - (1 - confidenceLevel) / 2);
  const p = x / n;
  const z2n = (z * z) / n;
  const centre = (p + z2n / 2) / (1 + z2n);
  const half = (z / (1 + z2n)) * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

function rate(x: number, n: number, confidenceLevel: number): RateEstimate {
  return { value: n > 0 ? x / n : null, interval: wilson(x, n, confidenceLevel), denominator: n };
}

export function groupMetrics(group: string, c: ConfusionCounts, minGroupSize: number, confidenceLevel = 0.95): GroupMetrics {
  const count = c.tp + c.fp + c.tn + c.fn;
  return {
    group,
    ...c,
    count,
    selectionRate: rate(c.tp + c.fp, count, confidenceLevel),
    truePositiveRate: rate(c.tp, c.tp + c.fn, confidenceLevel),
    falsePositiveRate: rate(c.fp, c.fp + c.tn, confidenceLevel),
    accuracy: rate(c.tp + c.tn, count, confidenceLevel),
    belowMinimum: count < minGroupSize,
  };
}

interface Rates {
  group: string;
  sr: number | null;
  tpr: number | null;
  fpr: number | null;
}

function ratesOf(group: string, c: ConfusionCounts): Rates {
  const n = c.tp + c.fp + c.tn + c.fn;
  return {
    group,
    sr: n > 0 ? (c.tp + c.fp) / n : null,
    tpr: c.tp + c.fn > 0 ? c.tp / (c.tp + c.fn) : null,
    fpr: c.fp + c.tn > 0 ? c.fp / (c.fp + c.tn) : null,
  };
}

/** Highest and lowest defined value of one rate across groups (fewer than two defined: null). */
function spread(rates: Rates[], pick: (r: Rates) => number | null): { max: number; min: number; hi: string; lo: string } | null {
  let best: { max: number; min: number; hi: string; lo: string } | null = null;
  let defined = 0;
  for (const r of rates) {
    const v = pick(r);
    if (v === null) continue;
    defined += 1;
    if (!best) best = { max: v, min: v, hi: r.group, lo: r.group };
    else {
      if (v > best.max) Object.assign(best, { max: v, hi: r.group });
      if (v < best.min) Object.assign(best, { min: v, lo: r.group });
    }
  }
  return defined >= 2 ? best : null;
}

interface PointFigures {
  dpd: number | null;
  dpr: number | null;
  eod: number | null;
  eopd: number | null;
}

/**
 * Fairlearn's between-group aggregates: demographic_parity_difference/ratio (max - min, min / max
 * of selection rates), equalized_odds_difference (the larger of the TPR and FPR differences) and
 * equal_opportunity_difference (the TPR difference; AIF360's signed unprivileged - privileged
 * difference has this magnitude for two groups).
 */
function figures(rates: Rates[]): PointFigures {
  const sr = spread(rates, (r) => r.sr);
  const tpr = spread(rates, (r) => r.tpr);
  const fpr = spread(rates, (r) => r.fpr);
  const tprDiff = tpr ? tpr.max - tpr.min : null;
  const fprDiff = fpr ? fpr.max - fpr.min : null;
  return {
    dpd: sr ? sr.max - sr.min : null,
    dpr: sr && sr.max > 0 ? sr.min / sr.max : null,
    eod: tprDiff === null || fprDiff === null ? null : Math.max(tprDiff, fprDiff),
    eopd: tprDiff,
  };
}

/** Binomial draw: exact for small n, normal approximation (continuity-corrected, clamped) beyond. */
function binomial(n: number, p: number, random: () => number, gauss: () => number): number {
  if (n <= 0 || p <= 0) return 0;
  if (p >= 1) return n;
  if (n <= 64) {
    let k = 0;
    for (let i = 0; i < n; i++) if (random() < p) k += 1;
    return k;
  }
  const draw = Math.round(n * p + Math.sqrt(n * p * (1 - p)) * gauss());
  return Math.min(n, Math.max(0, draw));
}

/** One multinomial resample of a group's confusion counts, by conditional binomials. */
function resample(c: ConfusionCounts, random: () => number, gauss: () => number): ConfusionCounts {
  const n = c.tp + c.fp + c.tn + c.fn;
  const tp = binomial(n, c.tp / n, random, gauss);
  let rest = n - tp;
  let mass = n - c.tp;
  const fp = mass > 0 ? binomial(rest, c.fp / mass, random, gauss) : 0;
  rest -= fp;
  mass -= c.fp;
  const tn = mass > 0 ? binomial(rest, c.tn / mass, random, gauss) : 0;
  return { tp, fp, tn, fn: rest - tn };
}

function percentile(sorted: number[], q: number): number {
  const i = (sorted.length - 1) * q;
  const lo = Math.floor(i);
  const hi = Math.ceil(i);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (i - lo);
}

/**
 * Computes the report. Intervals of between-group figures are percentile bootstrap intervals
 * (each group's confusion counts resampled as a multinomial, groups independently): the
 * differences, ratio and max-of-differences have no simple closed form across several groups,
 * and one resampling scheme serves all four alike.
 */
export function computeBiasMetrics(counts: Map<string, ConfusionCounts>, options: BiasOptions): BiasMetrics {
  const confidenceLevel = options.confidenceLevel ?? 0.95;
  const bootstrapSamples = options.bootstrapSamples ?? 2000;
  const seed = options.seed ?? DEFAULT_SEED;
  const entries = [...counts.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const groups = entries.map(([g, c]) => groupMetrics(g, c, options.minGroupSize, confidenceLevel));
  const compared = entries.filter(([, c]) => c.tp + c.fp + c.tn + c.fn >= options.minGroupSize);
  const rates = compared.map(([g, c]) => ratesOf(g, c));
  const point = figures(rates);

  const samples: Record<keyof PointFigures, number[]> = { dpd: [], dpr: [], eod: [], eopd: [] };
  if (compared.length >= 2) {
    const random = prng(seed);
    let spare: number | null = null;
    const gauss = () => {
      if (spare !== null) {
        const s = spare;
        spare = null;
        return s;
      }
      const u = Math.max(random(), Number.EPSILON);
      const v = random();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    };
    for (let b = 0; b < bootstrapSamples; b++) {
      const f = figures(compared.map(([g, c]) => ratesOf(g, resample(c, random, gauss))));
      for (const key of Object.keys(samples) as (keyof PointFigures)[]) {
        const v = f[key];
        if (v !== null) samples[key].push(v);
      }
    }
  }
  const alpha = (1 - confidenceLevel) / 2;
  const interval = (key: keyof PointFigures): Interval | null => {
    const values = samples[key];
    // Too few defined replicates (e.g. almost no actual positives) give no meaningful interval.
    if (point[key] === null || values.length < bootstrapSamples / 2) return null;
    values.sort((x, y) => x - y);
    return { low: percentile(values, alpha), high: percentile(values, 1 - alpha) };
  };
  const between = (pick: (r: Rates) => number | null): [string, string] | null => {
    const s = spread(rates, pick);
    return s ? [s.hi, s.lo] : null;
  };
  const tpr = spread(rates, (r) => r.tpr);
  const fpr = spread(rates, (r) => r.fpr);
  const eodByTpr = tpr && fpr ? tpr.max - tpr.min >= fpr.max - fpr.min : true;

  return {
    confidenceLevel,
    minGroupSize: options.minGroupSize,
    bootstrapSamples,
    seed,
    groups,
    comparedGroups: compared.map(([g]) => g),
    demographicParityDifference: { value: point.dpd, interval: interval('dpd'), between: between((r) => r.sr) },
    demographicParityRatio: { value: point.dpr, interval: interval('dpr'), between: between((r) => r.sr) },
    fourFifthsRuleViolated: point.dpr === null ? null : point.dpr < FOUR_FIFTHS,
    equalizedOddsDifference: { value: point.eod, interval: interval('eod'), between: between(eodByTpr ? (r) => r.tpr : (r) => r.fpr) },
    equalOpportunityDifference: { value: point.eopd, interval: interval('eopd'), between: between((r) => r.tpr) },
  };
}
