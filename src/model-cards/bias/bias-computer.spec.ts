import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { BiasComputer } from './bias-computer';
import { computeBiasMetrics, type ConfusionCounts } from './bias-metrics';

/** The widest report a request may ask for: 200 groups of 64 records (MAX_GROUPS). */
const WIDE = new Map<string, ConfusionCounts>(
  Array.from({ length: 200 }, (_, i) => [
    `g${String(i).padStart(3, '0')}`,
    { tp: 10 + (i % 7), fp: 6 + (i % 5), tn: 30 - (i % 4), fn: 18 - (i % 7) + (i % 4) - (i % 5) },
  ]),
);

describe('BiasComputer (bias bootstrap on a worker thread)', () => {
  const computer = new BiasComputer();
  after(() => computer.onModuleDestroy());

  it('gives exactly the report the inline computation gives (same seed, same numbers)', async () => {
    const options = { minGroupSize: 30 };
    assert.deepEqual(await computer.compute(WIDE, options), computeBiasMetrics(WIDE, options));
  });

  it('leaves the event loop free while it computes: other work runs meanwhile', async () => {
    let turns = 0;
    let spinning = true;
    const spin = () => {
      turns += 1;
      if (spinning) setImmediate(spin);
    };
    setImmediate(spin);
    const report = await computer.compute(WIDE, { minGroupSize: 30 });
    spinning = false;
    assert.equal(report.groups.length, 200);
    // Computed on this thread, the 0.6 s bootstrap would have let the loop turn at most once.
    assert.ok(turns > 10, `the event loop turned ${turns} times during the computation`);
  });

  it('serves reports asked for at the same time, each its own answer', async () => {
    const small = new Map<string, ConfusionCounts>([
      ['a', { tp: 40, fp: 10, tn: 40, fn: 10 }],
      ['b', { tp: 10, fp: 5, tn: 25, fn: 10 }],
    ]);
    const [wide, narrow] = await Promise.all([computer.compute(WIDE, { minGroupSize: 30 }), computer.compute(small, { minGroupSize: 30 })]);
    assert.equal(wide.groups.length, 200);
    assert.deepEqual(narrow, computeBiasMetrics(small, { minGroupSize: 30 }));
  });
});
