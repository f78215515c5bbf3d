export { prng } from '../../common/prng';

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
