import { allFakers, type Faker } from '@faker-js/faker';
import { prng } from '../../src/pii/input/prng';
import type { PersonalType } from '../../src/pii/types';
import { CLEAN_KINDS, PII_KINDS, meaninglessHeader, type ColumnKind } from './kinds';

export const LOCALES = ['en_US', 'en_GB', 'de', 'fr', 'es', 'it', 'nl', 'pt_BR'] as const;
export type HeaderStyle = 'informative' | 'foreign' | 'meaningless' | 'lying';

export interface LabelledColumn {
  header: string;
  kind: string;
  labels: readonly PersonalType[];
  headerStyle: HeaderStyle;
}

export interface LabelledTable {
  name: string;
  locale: string;
  columns: LabelledColumn[];
  rows: string[][];
}

export interface TableOptions {
  tables: number;
  minRows: number;
  maxRows: number;
}

function shuffle<T>(xs: readonly T[], rnd: () => number): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function header(kind: ColumnKind, style: HeaderStyle, i: number, rnd: () => number): string {
  const pick = (xs: readonly string[]) => xs[Math.floor(rnd() * xs.length)]!;
  switch (style) {
    case 'informative':
      return pick(kind.headers);
    case 'foreign':
      return pick(kind.foreignHeaders.length ? kind.foreignHeaders : kind.headers);
    case 'meaningless':
      return meaninglessHeader(i, rnd);
    case 'lying': {
      // A header taken from a kind of the other class: PII content under a harmless name, or the reverse.
      const others = kind.labels.length ? CLEAN_KINDS : PII_KINDS.filter((k) => k.id !== 'notes_pii');
      return pick(others[Math.floor(rnd() * others.length)]!.headers);
    }
  }
}

function headerStyle(rnd: () => number): HeaderStyle {
  const x = rnd();
  return x < 0.4 ? 'informative' : x < 0.65 ? 'foreign' : x < 0.94 ? 'meaningless' : 'lying';
}

/** One labelled table: a random mix of personal and look-alike clean columns, with empty cells. */
export function generateTable(faker: Faker, locale: string, name: string, rnd: () => number, rows: number): LabelledTable {
  const nPii = 3 + Math.floor(rnd() * 6);
  const nClean = 3 + Math.floor(rnd() * 6);
  const kinds = shuffle([...shuffle(PII_KINDS, rnd).slice(0, nPii), ...shuffle(CLEAN_KINDS, rnd).slice(0, nClean)], rnd);
  const columns: LabelledColumn[] = [];
  const used = new Set<string>();
  kinds.forEach((kind, i) => {
    const style = headerStyle(rnd);
    let h = header(kind, style, i, rnd);
    while (used.has(h)) h = `${h}_${i}`;
    used.add(h);
    columns.push({ header: h, kind: kind.id, labels: kind.labels, headerStyle: style });
  });
  const empty = kinds.map(() => (rnd() < 0.5 ? 0 : rnd() * 0.3));
  const data: string[][] = [];
  for (let r = 0; r < rows; r++) data.push(kinds.map((k, c) => (rnd() < empty[c]! ? '' : k.value(faker, rnd))));
  return { name, locale, columns, rows: data };
}

export function generateTables(seed: number, options: TableOptions): LabelledTable[] {
  const rnd = prng(seed * 7919 + 17);
  const tables: LabelledTable[] = [];
  for (let t = 0; t < options.tables; t++) {
    const locale = LOCALES[t % LOCALES.length]!;
    const faker = allFakers[locale];
    faker.seed(seed * 100_003 + t);
    const rows = options.minRows + Math.floor(rnd() * (options.maxRows - options.minRows));
    tables.push(generateTable(faker, locale, `s${seed}-t${t}-${locale}`, rnd, rows));
  }
  return tables;
}

function quote(cell: string, delimiter: string): string {
  return cell.includes(delimiter) || cell.includes('"') || cell.includes('\n') || cell.includes('\r') ? `"${cell.replace(/"/g, '""')}"` : cell;
}

/** CSV text with the given delimiter (quotes only where needed, as most writers do). */
export function toCsv(headers: readonly string[], rows: readonly (readonly string[])[], delimiter: string): string {
  const lines = [headers.map((h) => quote(h, delimiter)).join(delimiter)];
  for (const row of rows) lines.push(row.map((c) => quote(c, delimiter)).join(delimiter));
  return lines.join('\n') + '\n';
}

/** Latin-1 bytes when every character fits (as an old export would be), else undefined. */
export function latin1(text: string): Buffer | undefined {
  // eslint-disable-next-line no-control-regex
  return /^[\u0000-\u00ff]*$/.test(text) ? Buffer.from(text, 'latin1') : undefined;
}
