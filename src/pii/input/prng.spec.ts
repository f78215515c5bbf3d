import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Reservoir, prng, stratifiedOffsets } from './prng';

describe('seeded sampling helpers', () => {
  it('the generator repeats for a seed', () => {
    const a = prng(42);
    const b = prng(42);
    for (let i = 0; i < 5; i++) assert.equal(a(), b());
    assert.notEqual(prng(1)(), prng(2)());
  });

  it('stratified offsets fall one in each stratum, inside the range', () => {
    const offsets = stratifiedOffsets(100, 10_100, 10, 50, prng(1));
    assert.equal(offsets.length, 10);
    offsets.forEach((o, i) => {
      assert.ok(o >= 100 + i * 995 && o < 100 + (i + 1) * 995 + 1, `${i}: ${o}`);
      assert.ok(o + 50 <= 10_100);
    });
  });

  it('the reservoir keeps a uniform sample of the requested size', () => {
    const counts = new Array<number>(10).fill(0);
    for (let seed = 0; seed < 2000; seed++) {
      const r = new Reservoir<number>(1, prng(seed));
      for (let i = 0; i < 10; i++) r.offer(i);
      counts[r.items[0]!]!++;
    }
    for (const c of counts) assert.ok(c > 140 && c < 260, String(counts));
  });
});
