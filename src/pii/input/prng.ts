/** mulberry32: tiny, fast, and the same sequence for the same seed on every platform. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `count` positions in [from, to - width], one drawn at random inside each of `count` equal
 * strata: the whole file is covered, and the same seed reads the same places.
 */
export function stratifiedOffsets(from: number, to: number, count: number, width: number, random: () => number): number[] {
  const span = Math.max(0, to - from - width);
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push(Math.floor(from + ((i + random()) / count) * span));
  return out;
}

/** Seeded reservoir sampling (Algorithm R) of up to `size` items. */
export class Reservoir<T> {
  readonly items: T[] = [];
  seen = 0;
  constructor(
    private readonly size: number,
    private readonly random: () => number,
  ) {}

  offer(item: T): void {
    this.seen++;
    if (this.items.length < this.size) this.items.push(item);
    else {
      const j = Math.floor(this.random() * this.seen);
      if (j < this.size) this.items[j] = item;
    }
  }
}
