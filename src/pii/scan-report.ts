import type { ColumnResult } from './classify';
import type { ScanResult } from './scanner';

/** The `--json` document, exactly the shape the issue specifies (personal types only in `entities`). */
export function toJsonReport(result: ScanResult): unknown {
  return {
    file: result.file,
    rows: result.rows,
    sampled: result.sampled,
    sensitivity: result.sensitivity,
    columns: result.columns.map((c) => ({
      name: c.name,
      pii: c.pii,
      entities: c.entities.map((e) => ({ type: e.type, score: e.score, matchRatio: e.matchRatio })),
      examples: c.examples,
    })),
  };
}

const pct = (x: number) => `${Math.round(x * 100)}%`;

function describeSample(result: ScanResult): string {
  const s = result.sampled;
  const rows = `${result.sampled.rowsEstimated ? '~' : ''}${result.rows.toLocaleString('en-US')} rows`;
  const mb = (s.bytesRead / 1e6).toFixed(1);
  switch (s.method) {
    case 'all-rows':
      return `${rows}, all read`;
    case 'reservoir':
      return `${rows}; sample: ${s.rows.toLocaleString('en-US')} rows, uniform over one pass (seed ${s.seed})`;
    case 'random-blocks':
      return `${rows}; sample: ${s.rows.toLocaleString('en-US')} rows from ${s.blocks} blocks at random offsets (seed ${s.seed}, ${mb} MB read)`;
    case 'row-ranges':
      return `${rows}; sample: ${s.rows.toLocaleString('en-US')} rows in ${s.blocks} random row ranges (seed ${s.seed}, ${mb} MB read)`;
  }
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

function typesCell(c: ColumnResult): string {
  const personal = c.entities.map((e) => `${e.type} ${e.score.toFixed(2)} (${pct(e.matchRatio)})`);
  const other = c.other.map((e) => `[${e.type} ${pct(e.matchRatio)}]`);
  return [...personal, ...other].join(', ') || '-';
}

/** A readable table for people: one line per column, non-personal types in brackets. */
export function toTextReport(result: ScanResult): string {
  const rows = result.columns.map((c) => [c.name + (c.freeText ? ' (text)' : ''), c.pii ? 'yes' : 'no', typesCell(c), c.examples.join('  ')]);
  const head = ['column', 'PII', 'types (score, share of cells)', 'examples (masked)'];
  const widths = head.map((h, i) => Math.min(48, Math.max(h.length, ...rows.map((r) => r[i]!.length))));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : pad(cell, widths[i]!)))
      .join('  ')
      .trimEnd();
  const piiColumns = result.columns.filter((c) => c.pii).length;
  return [
    `${result.file} (${result.format}): ${describeSample(result)}`,
    `sensitivity: ${result.sensitivity}; ${piiColumns} of ${result.columns.length} columns hold personal data`,
    '',
    line(head),
    line(
      widths
        .map((w) => '-'.repeat(w))
        .concat('-'.repeat(17))
        .slice(0, head.length),
    ),
    ...rows.map(line),
    '',
  ].join('\n');
}
