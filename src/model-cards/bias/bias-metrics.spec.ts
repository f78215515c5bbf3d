import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { computeBiasMetrics, countsFromSampleStream, countsFromSamples, normalQuantile, wilson, type BiasSample, type ConfusionCounts } from './bias-metrics';

/*
 * The fixture, worked by hand (minimum group size 30):
 *
 *   group  TP  FP  TN  FN   n   selection rate   TPR             FPR             accuracy
 *   A      40  10  40  10  100  (40+10)/100=0.5  40/(40+10)=0.8  10/(10+40)=0.2  (40+40)/100=0.8
 *   B      10   5  25  10   50  (10+5)/50 =0.3   10/(10+10)=0.5   5/(5+25)=1/6   (10+25)/50 =0.7
 *   C       5   0   5   0   10  below the minimum of 30: reported, not compared
 *
 *   demographic parity difference = max SR - min SR = 0.5 - 0.3        = 0.2
 *   demographic parity ratio      = min SR / max SR = 0.3 / 0.5        = 0.6  (< 0.8: four-fifths rule violated)
 *   TPR difference                = 0.8 - 0.5                          = 0.3
 *   FPR difference                = 0.2 - 1/6                          = 0.0333...
 *   equalized odds difference     = max(0.3, 0.0333)                   = 0.3
 *   equal opportunity difference  = TPR difference                     = 0.3
 *
 * Wilson 95% interval of A's selection rate (z = 1.95996, z² = 3.84146):
 *   centre = (p + z²/2n) / (1 + z²/n) = (0.5 + 0.0192073) / 1.0384146 = 0.5
 *   half   = z / (1 + z²/n) * sqrt(p(1-p)/n + z²/4n²)
 *          = 1.887489 * sqrt(0.0025 + 0.00009604) = 1.887489 * 0.0509514 = 0.0961703
 *   → [0.40383, 0.59617]
 * B's selection rate, p = 0.3, n = 50 (z²/n = 0.0768293):
 *   centre = (0.3 + 0.0384146) / 1.0768293 = 0.314269
 *   half   = 1.820110 * sqrt(0.0042 + 0.00038415) = 1.820110 * 0.0677064 = 0.123234
 *   → [0.19104, 0.43750]
 */
const FIXTURE = new Map<string, ConfusionCounts>([
  ['A', { tp: 40, fp: 10, tn: 40, fn: 10 }],
  ['B', { tp: 10, fp: 5, tn: 25, fn: 10 }],
  ['C', { tp: 5, fp: 0, tn: 5, fn: 0 }],
]);

const close = (actual: number | null | undefined, expected: number, tolerance = 1e-4) =>
  assert.ok(actual !== null && actual !== undefined && Math.abs(actual - expected) <= tolerance, `${actual} ≉ ${expected}`);

/** The fixture as records: the per-record path must give the same report. */
function samplesOf(counts: Map<string, ConfusionCounts>): BiasSample[] {
  const out: BiasSample[] = [];
  for (const [group, c] of counts) {
    const push = (n: number, predicted: boolean, actual: boolean) => {
      for (let i = 0; i < n; i++) out.push({ group, predicted, actual });
    };
    push(c.tp, true, true);
    push(c.fp, true, false);
    push(c.tn, false, false);
    push(c.fn, false, true);
  }
  return out;
}

describe('bias metrics (Fairlearn / AIF360 definitions)', () => {
  const report = computeBiasMetrics(FIXTURE, { minGroupSize: 30 });

  it('computes per-group rates as worked by hand', () => {
    const [a, b, c] = report.groups;
    assert.deepEqual(
      report.groups.map((g) => [g.group, g.count, g.belowMinimum]),
      [
        ['A', 100, false],
        ['B', 50, false],
        ['C', 10, true],
      ],
    );
    close(a!.selectionRate.value, 0.5);
    close(a!.truePositiveRate.value, 0.8);
    close(a!.falsePositiveRate.value, 0.2);
    close(a!.accuracy.value, 0.8);
    close(b!.selectionRate.value, 0.3);
    close(b!.truePositiveRate.value, 0.5);
    close(b!.falsePositiveRate.value, 1 / 6);
    close(b!.accuracy.value, 0.7);
    assert.equal(b!.truePositiveRate.denominator, 20);
    assert.equal(b!.falsePositiveRate.denominator, 30);
    close(c!.selectionRate.value, 0.5);
  });

  it('gives Wilson intervals as worked by hand', () => {
    close(report.groups[0]!.selectionRate.interval!.low, 0.40383);
    close(report.groups[0]!.selectionRate.interval!.high, 0.59617);
    close(report.groups[1]!.selectionRate.interval!.low, 0.19104);
    close(report.groups[1]!.selectionRate.interval!.high, 0.4375);
    close(normalQuantile(0.975), 1.959964, 1e-6);
    // Stays inside [0, 1] where the Wald interval would not: 0 of 5.
    const zero = wilson(0, 5)!;
    assert.equal(zero.low, 0);
    close(zero.high, 0.43448);
    assert.equal(wilson(0, 0), null);
  });

  it('computes between-group figures over the groups of at least the minimum size', () => {
    assert.deepEqual(report.comparedGroups, ['A', 'B']);
    close(report.demographicParityDifference.value, 0.2);
    close(report.demographicParityRatio.value, 0.6);
    assert.equal(report.fourFifthsRuleViolated, true);
    close(report.equalizedOddsDifference.value, 0.3);
    close(report.equalOpportunityDifference.value, 0.3);
    assert.deepEqual(report.demographicParityDifference.between, ['A', 'B']);
    assert.deepEqual(report.equalizedOddsDifference.between, ['A', 'B']);
  });

  it('gives bootstrap intervals around the point estimates, the same on every run', () => {
    for (const d of [report.demographicParityDifference, report.demographicParityRatio, report.equalizedOddsDifference, report.equalOpportunityDifference]) {
      assert.ok(d.interval, 'an interval');
      assert.ok(d.interval.low <= d.value! && d.value! <= d.interval.high, `${d.value} in [${d.interval.low}, ${d.interval.high}]`);
    }
    // The DPD's standard error is about sqrt(.5*.5/100 + .3*.7/50) = 0.0806: a 95% interval is roughly ±0.16.
    close(report.demographicParityDifference.interval!.high - report.demographicParityDifference.interval!.low, 0.32, 0.05);
    assert.deepEqual(computeBiasMetrics(FIXTURE, { minGroupSize: 30 }), report);
  });

  it('gives the same report from per-record samples, in any order, from any iterable', () => {
    const samples = samplesOf(FIXTURE).reverse();
    function* generate() {
      yield* samples;
    }
    assert.deepEqual(countsFromSamples(generate()), FIXTURE);
    const fromSamples = computeBiasMetrics(countsFromSamples(samples), { minGroupSize: 30 });
    assert.deepEqual(fromSamples, report);
  });

  it('tallies an async stream of samples (prediction records with feedback) the same way', async () => {
    async function* stream() {
      for (const s of samplesOf(FIXTURE)) yield await Promise.resolve(s);
    }
    assert.deepEqual(await countsFromSampleStream(stream()), FIXTURE);
  });

  it('reads 1/0, "true"/"false" and named labels', () => {
    const counts = countsFromSamples(
      [
        { group: 'x', predicted: 1, actual: 1 },
        { group: 'x', predicted: 'true', actual: 0 },
        { group: 'x', predicted: 'approve', actual: 'deny' },
      ],
      '1',
    );
    assert.deepEqual(counts.get('x'), { tp: 1, fp: 1, tn: 1, fn: 0 });
    const named = countsFromSamples([{ group: 'x', predicted: 'approve', actual: 'approve' }], 'approve');
    assert.deepEqual(named.get('x'), { tp: 1, fp: 0, tn: 0, fn: 0 });
  });

  it('leaves figures it cannot compute null instead of inventing them', () => {
    const onlyOne = computeBiasMetrics(FIXTURE, { minGroupSize: 60 });
    assert.deepEqual(onlyOne.comparedGroups, ['A']);
    assert.equal(onlyOne.demographicParityDifference.value, null);
    assert.equal(onlyOne.demographicParityDifference.interval, null);
    assert.equal(onlyOne.fourFifthsRuleViolated, null);
    // No actual positives in one group: its TPR is undefined, so TPR-based figures compare the rest.
    const noPositives = computeBiasMetrics(
      new Map([
        ['A', { tp: 0, fp: 3, tn: 7, fn: 0 }],
        ['B', { tp: 0, fp: 1, tn: 9, fn: 0 }],
      ]),
      { minGroupSize: 1 },
    );
    assert.equal(noPositives.groups[0]!.truePositiveRate.value, null);
    assert.equal(noPositives.equalOpportunityDifference.value, null);
    assert.equal(noPositives.equalizedOddsDifference.value, null);
    close(noPositives.demographicParityRatio.value, 1 / 3);
  });
});
