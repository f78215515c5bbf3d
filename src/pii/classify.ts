import type { ColumnSummary, TypeTally } from './column-stats';
import { readHeader, type HeaderMeaning } from './headers';
import { maskValue } from './mask';
import type { PiiThresholds } from './thresholds';
import { isPersonal, type EntityType } from './types';

export interface EntityFinding {
  type: EntityType;
  score: number;
  matchRatio: number;
}

export interface ColumnResult {
  name: string;
  pii: boolean;
  /** Personal types only. */
  entities: EntityFinding[];
  /** Non-personal types found (ORGANIZATION, DATE_TIME, URL), kept apart. */
  other: EntityFinding[];
  /** Masked values of the types found. */
  examples: string[];
  freeText: boolean;
}

// A column holds one kind of proper noun: a surname column whose names are also towns is not
// a place column as well.
const NAME_GROUP = new Set<EntityType>(['PERSON', 'LOCATION', 'ORGANIZATION', 'NRP']);

const round = (x: number): number => Math.round(x * 100) / 100;

interface Candidate {
  type: EntityType;
  ratio: number;
  mean: number;
  evidence: number;
}

function candidates(tallies: ReadonlyMap<EntityType, TypeTally>, nonEmpty: number): Candidate[] {
  return [...tallies].map(([type, t]) => {
    const ratio = t.cells / nonEmpty;
    const mean = t.scoreSum / t.cells;
    return { type, ratio, mean, evidence: ratio * mean };
  });
}

/** Dates that look like the birthdays of a population: date-only, adult ages, spread over decades. */
function birthLike(stats: ColumnSummary, t: PiiThresholds['dateOfBirth'], now: number): boolean {
  if (stats.dates === 0 || stats.dateOnly / stats.dates < t.minDateOnlyRatio) return false;
  return stats.maxYear <= now - t.minAgeYears && stats.minYear >= now - t.maxAgeYears && stats.maxYear - stats.minYear >= t.minSpreadYears;
}

/** The column decision before neighbours are looked at. */
export interface ColumnVerdict {
  result: ColumnResult;
  header: HeaderMeaning;
  /** Content evidence for PERSON that fell short alone (used with a PERSON neighbour). */
  personEvidence: number;
  /** Dates shaped like birthdays under a header that did not say what they are. */
  unlabelledBirthDates: boolean;
}

function thresholdFor(type: EntityType, header: HeaderMeaning, t: PiiThresholds['column']): { evidence: number; ratio: number } {
  const hint = header.hint === 'DATE_OF_BIRTH' && type === 'DATE_TIME' ? 'DATE_TIME' : header.hint;
  if (hint === type) return { evidence: t.minEvidenceWithHeader, ratio: t.minRatioWithHeader };
  // A header naming something else raises the bar without closing it: content still wins.
  if (header.meaningful && hint !== undefined) return { evidence: t.minEvidenceAgainstHeader, ratio: 0 };
  return { evidence: t.minEvidence, ratio: 0 };
}

export function classifyColumn(stats: ColumnSummary, thresholds: PiiThresholds, now = new Date().getUTCFullYear()): ColumnVerdict {
  const header = readHeader(stats.name);
  const result: ColumnResult = { name: stats.name, pii: false, entities: [], other: [], examples: [], freeText: false };
  const verdict: ColumnVerdict = { result, header, personEvidence: 0, unlabelledBirthDates: false };
  if (stats.nonEmpty === 0) return verdict;

  const found: EntityFinding[] = [];
  // Long cells that mostly are one thing as a whole (company names, addresses) are not free text.
  result.freeText = stats.wordSum / stats.nonEmpty >= thresholds.freeText.minMeanWords && stats.matchedCells / stats.nonEmpty < 0.5;
  if (result.freeText) {
    // Free text: every type found often enough, each cell counted once per type.
    const f = thresholds.freeText;
    const tallies = new Map(stats.text);
    for (const [type, t] of stats.whole) {
      const merged = tallies.get(type);
      tallies.set(type, merged ? { cells: merged.cells + t.cells, scoreSum: merged.scoreSum + t.scoreSum } : t);
    }
    for (const c of candidates(tallies, stats.nonEmpty)) {
      if (c.ratio * stats.nonEmpty >= f.minCells && c.ratio >= f.minRatio && c.mean >= f.minScore) {
        found.push({ type: c.type, score: round(c.mean), matchRatio: round(c.ratio) });
      }
    }
  } else {
    const t = thresholds.column;
    const all = candidates(stats.whole, stats.nonEmpty);
    verdict.personEvidence = all.find((c) => c.type === 'PERSON')?.evidence ?? 0;
    const accepted = all.filter((c) => {
      const bar = thresholdFor(c.type, header, t);
      return c.evidence >= bar.evidence && c.ratio >= bar.ratio;
    });
    const bonus = (c: Candidate) => c.evidence + (header.hint === c.type ? 0.2 : 0);
    accepted.sort((a, b) => bonus(b) - bonus(a));
    const primary = accepted[0];
    if (primary) {
      const boost = header.hint === primary.type ? 0.1 : 0;
      found.push({ type: primary.type, score: round(Math.min(1, primary.mean + boost)), matchRatio: round(primary.ratio) });
      for (const c of accepted.slice(1)) {
        if (NAME_GROUP.has(c.type) && NAME_GROUP.has(primary.type)) continue;
        if (c.ratio >= t.secondaryMinRatio && c.mean >= t.secondaryMinScore) found.push({ type: c.type, score: round(c.mean), matchRatio: round(c.ratio) });
      }
    }
    // Dates: the header says whose; unlabelled ones are birthdays when they look like them.
    const date = found.find((f) => f.type === 'DATE_TIME');
    if (date) {
      if (header.hint === 'DATE_OF_BIRTH') Object.assign(date, { type: 'DATE_OF_BIRTH', score: round(Math.min(1, date.score + 0.05)) });
      else if ((header.hint === undefined || !header.meaningful) && birthLike(stats, thresholds.dateOfBirth, now)) {
        verdict.unlabelledBirthDates = true;
        Object.assign(date, { type: 'DATE_OF_BIRTH', score: header.meaningful ? 0.55 : 0.6 });
      }
    }
  }
  setFindings(verdict, stats, found);
  return verdict;
}

function setFindings(verdict: ColumnVerdict, stats: ColumnSummary, found: EntityFinding[]): void {
  const r = verdict.result;
  r.entities = found.filter((f) => isPersonal(f.type)).sort((a, b) => b.score * b.matchRatio - a.score * a.matchRatio);
  r.other = found.filter((f) => !isPersonal(f.type));
  r.pii = r.entities.length > 0;
  r.examples = [];
  for (const e of r.entities) {
    // DATE_OF_BIRTH findings were counted as DATE_TIME cells.
    const source = e.type === 'DATE_OF_BIRTH' ? 'DATE_TIME' : e.type;
    for (const v of stats.examples.get(source) ?? []) {
      const masked = maskValue(e.type, v);
      if (r.examples.length < 3 && !r.examples.includes(masked)) r.examples.push(masked);
    }
  }
}

/**
 * Classifies every column of a table, then lets neighbours decide what content alone left open:
 * a column of weak name evidence beside a PERSON column (first name next to last name) is
 * PERSON, and unlabelled birthday-like dates in a table about people are dates of birth.
 */
export function classifyTable(columns: readonly ColumnSummary[], thresholds: PiiThresholds, now?: number): ColumnResult[] {
  const verdicts = columns.map((c) => classifyColumn(c, thresholds, now));
  const isPerson = (v: ColumnVerdict | undefined) => v?.result.entities.some((e) => e.type === 'PERSON') ?? false;
  const t = thresholds.column;
  const promoted: number[] = [];
  verdicts.forEach((v, i) => {
    if (v.result.pii || v.result.freeText || v.result.other.length || v.personEvidence < t.neighbourMinEvidence) return;
    if (v.header.meaningful && v.header.hint !== undefined && v.header.hint !== 'PERSON') return;
    // Only split names (one word a cell) of many distinct values: a first or last name column,
    // not a category ("Toys", "Garden") that happens to sit beside the names.
    const stats = columns[i]!;
    if (stats.wordSum / stats.nonEmpty > 1.6 || (stats.distinct < 50 && stats.distinct < 0.2 * stats.nonEmpty)) return;
    for (let d = 1; d <= t.neighbourDistance; d++) {
      if (isPerson(verdicts[i - d]) || isPerson(verdicts[i + d])) {
        promoted.push(i);
        break;
      }
    }
  });
  for (const i of promoted) {
    const stats = columns[i]!;
    const tally = stats.whole.get('PERSON')!;
    setFindings(verdicts[i]!, stats, [{ type: 'PERSON', score: round(tally.scoreSum / tally.cells), matchRatio: round(tally.cells / stats.nonEmpty) }]);
  }
  if (verdicts.some(isPerson)) {
    for (const v of verdicts) {
      const dob = v.unlabelledBirthDates ? v.result.entities.find((e) => e.type === 'DATE_OF_BIRTH') : undefined;
      if (dob) dob.score = 0.75;
    }
  }
  return verdicts.map((v) => v.result);
}
