import { type CellClassifier } from './detectors';
import { lexiconSpans, nlpSpans, patternSpans, resolveOverlaps } from './text-spans';
import type { PiiThresholds } from './thresholds';
import type { EntityType } from './types';

export interface TypeTally {
  cells: number;
  scoreSum: number;
}

/** What the column decision reads: counts and a few examples, never the cells. */
export interface ColumnSummary {
  readonly name: string;
  readonly cells: number;
  readonly nonEmpty: number;
  readonly wordSum: number;
  readonly matchedCells: number;
  readonly whole: ReadonlyMap<EntityType, TypeTally>;
  readonly text: ReadonlyMap<EntityType, TypeTally>;
  readonly examples: ReadonlyMap<EntityType, readonly string[]>;
  readonly dates: number;
  readonly dateOnly: number;
  readonly minYear: number;
  readonly maxYear: number;
  readonly distinct: number;
}

/** A ColumnSummary as plain data, to cross a worker boundary (structured clone keeps Maps). */
export function summaryOf(s: ColumnSummary): ColumnSummary {
  return {
    name: s.name,
    cells: s.cells,
    nonEmpty: s.nonEmpty,
    wordSum: s.wordSum,
    matchedCells: s.matchedCells,
    whole: new Map(s.whole),
    text: new Map(s.text),
    examples: new Map(s.examples),
    dates: s.dates,
    dateOnly: s.dateOnly,
    minYear: s.minYear,
    maxYear: s.maxYear,
    distinct: s.distinct,
  };
}

const EXAMPLES_PER_TYPE = 3;
// Cells of at least this many words are also searched for spans, as free text.
const TEXT_CELL_WORDS = 4;

/**
 * Everything the column decision needs, in bounded memory: counts and sums per type, a few
 * examples, the year range of dates. Adding a cell never keeps the cell.
 */
function mergeTallies(parts: readonly ReadonlyMap<EntityType, TypeTally>[]): Map<EntityType, TypeTally> {
  const out = new Map<EntityType, TypeTally>();
  for (const part of parts) {
    for (const [type, t] of part) {
      const o = out.get(type);
      out.set(type, o ? { cells: o.cells + t.cells, scoreSum: o.scoreSum + t.scoreSum } : { ...t });
    }
  }
  return out;
}

/**
 * One column's summary from the summaries of disjoint sets of its rows (parallel full scans).
 * Counts add up exactly; examples keep the first ones; `distinct` is a lower bound (the largest part).
 */
export function mergeSummaries(parts: readonly ColumnSummary[]): ColumnSummary {
  const first = parts[0]!;
  const examples = new Map<EntityType, string[]>();
  for (const part of parts) {
    for (const [type, values] of part.examples) {
      const list = examples.get(type) ?? [];
      for (const v of values) if (list.length < EXAMPLES_PER_TYPE && !list.includes(v)) list.push(v);
      examples.set(type, list);
    }
  }
  const sum = (f: (p: ColumnSummary) => number) => parts.reduce((s, p) => s + f(p), 0);
  return {
    name: first.name,
    cells: sum((p) => p.cells),
    nonEmpty: sum((p) => p.nonEmpty),
    wordSum: sum((p) => p.wordSum),
    matchedCells: sum((p) => p.matchedCells),
    whole: mergeTallies(parts.map((p) => p.whole)),
    text: mergeTallies(parts.map((p) => p.text)),
    examples,
    dates: sum((p) => p.dates),
    dateOnly: sum((p) => p.dateOnly),
    minYear: Math.min(...parts.map((p) => p.minYear)),
    maxYear: Math.max(...parts.map((p) => p.maxYear)),
    distinct: Math.max(...parts.map((p) => p.distinct)),
  };
}

export class ColumnStats implements ColumnSummary {
  cells = 0;
  nonEmpty = 0;
  wordSum = 0;
  /** Cells that matched some type as a whole value. */
  matchedCells = 0;
  readonly whole = new Map<EntityType, TypeTally>();
  readonly text = new Map<EntityType, TypeTally>();
  readonly examples = new Map<EntityType, string[]>();
  dates = 0;
  dateOnly = 0;
  minYear = Infinity;
  maxYear = -Infinity;
  private nlpBudget: number;
  // Distinct short values seen, with their analysis: columns repeat values (cities, first
  // names), and a full scan should pay for each only once. Bounded so memory stays flat.
  private readonly memo = new Map<string, ReturnType<CellClassifier['analyze']>>();

  constructor(
    readonly name: string,
    private readonly classifier: CellClassifier,
    thresholds: PiiThresholds,
  ) {
    this.nlpBudget = thresholds.freeText.nlpCells;
  }

  /** Distinct short values seen (counted up to the memo's bound). */
  get distinct(): number {
    return this.memo.size;
  }

  add(raw: string | null | undefined): void {
    this.cells++;
    if (raw == null) return;
    const value = raw.length > 64 ? raw : raw.trim();
    if (!value) return;
    this.nonEmpty++;
    let analysis = value.length <= 64 ? this.memo.get(value) : undefined;
    if (!analysis) {
      analysis = this.classifier.analyze(value);
      if (value.length <= 64 && this.memo.size < 4096) this.memo.set(value, analysis);
    }
    this.wordSum += analysis.words;
    if (analysis.matches.length) this.matchedCells++;
    for (const m of analysis.matches) {
      tally(this.whole, m.type, m.score);
      this.example(m.type, value);
    }
    if (analysis.date) {
      this.dates++;
      if (analysis.date.dateOnly) this.dateOnly++;
      this.minYear = Math.min(this.minYear, analysis.date.year);
      this.maxYear = Math.max(this.maxYear, analysis.date.year);
    }
    if (analysis.words >= TEXT_CELL_WORDS && analysis.matches.length === 0) this.addText(value);
  }

  private addText(value: string): void {
    // The tagger's budget goes to prose (lower-case words), not to long names or codes.
    const useNlp = this.nlpBudget > 0 && /\s\p{Ll}{2,}/u.test(value);
    if (useNlp) this.nlpBudget--;
    const spans = resolveOverlaps([...patternSpans(value), ...(useNlp ? nlpSpans(value) : lexiconSpans(value))]);
    // A type counts once per cell, with its best score there.
    const best = new Map<EntityType, number>();
    for (const s of spans) best.set(s.type, Math.max(best.get(s.type) ?? 0, s.score));
    for (const [type, score] of best) {
      tally(this.text, type, score);
      const span = spans.find((s) => s.type === type)!;
      this.example(type, value.slice(span.start, span.end));
    }
  }

  private example(type: EntityType, value: string): void {
    const list = this.examples.get(type);
    if (!list) this.examples.set(type, [value]);
    else if (list.length < EXAMPLES_PER_TYPE && !list.includes(value)) list.push(value);
  }
}

function tally(map: Map<EntityType, TypeTally>, type: EntityType, score: number): void {
  const t = map.get(type);
  if (t) {
    t.cells++;
    t.scoreSum += score;
  } else map.set(type, { cells: 1, scoreSum: score });
}
