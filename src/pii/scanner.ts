import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { availableParallelism } from 'node:os';
import { classifyTable, type ColumnResult } from './classify';
import { ColumnStats, type ColumnSummary } from './column-stats';
import { CellClassifier } from './detectors';
import { CsvInput } from './input/csv';
import { JsonLinesInput } from './input/jsonl';
import { ParquetInput } from './input/parquet';
import type { Row, RowSink, SampleMethod, TableInput } from './input/table-input';
import { ParallelStatsSink } from './parallel-stats';
import { PiiInputError } from './pii.errors';
import type { PiiThresholds, Sensitivity } from './thresholds';

export const FORMATS = ['csv', 'jsonl', 'parquet'] as const;
export type Format = (typeof FORMATS)[number];

export interface ScanOptions {
  format?: Format;
  /** Read every row instead of sampling. */
  full?: boolean;
  /** Sample size in rows (default: thresholds.sampling.defaultRows). */
  sampleRows?: number;
  seed?: number;
  thresholds: PiiThresholds;
  /** Worker threads for full scans of large files (default: one per core, none on one core). */
  workers?: number;
}

// Below this, starting workers (each loads the detectors) costs more than it saves.
const PARALLEL_MIN_BYTES = 16 * 1024 * 1024;

export interface ScanResult {
  file: string;
  format: Format;
  /** Data rows in the file; estimated from the sample when `sampled.rowsEstimated`. */
  rows: number;
  sampled: SampleMethod & { rowsEstimated: boolean };
  sensitivity: Sensitivity;
  columns: ColumnResult[];
}

export const DEFAULT_SEED = 1;

/** By extension, else by content: Parquet's "PAR1" magic, a JSON object on the first line, else CSV. */
export async function detectFormat(file: string): Promise<Format> {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.parquet' || ext === '.pq') return 'parquet';
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  if (ext === '.csv' || ext === '.tsv') return 'csv';
  const handle = await fs.open(file, 'r').catch((error: NodeJS.ErrnoException) => {
    throw new PiiInputError(file, `cannot open: ${error.code ?? error.message}`);
  });
  try {
    const head = Buffer.alloc(64);
    const { bytesRead } = await handle.read(head, 0, 64, 0);
    const text = head.subarray(0, bytesRead);
    if (text.subarray(0, 4).toString('latin1') === 'PAR1') return 'parquet';
    if (/^\s*\{/.test(text.toString('latin1'))) return 'jsonl';
    return 'csv';
  } finally {
    await handle.close();
  }
}

function inputFor(file: string, format: Format): TableInput {
  switch (format) {
    case 'csv':
      return new CsvInput(file);
    case 'jsonl':
      return new JsonLinesInput(file);
    case 'parquet':
      return new ParquetInput(file);
  }
}

/** Feeds rows into one ColumnStats per column; keeps nothing else. */
class StatsSink implements RowSink {
  readonly stats: ColumnStats[] = [];
  private rows = 0;
  constructor(private readonly thresholds: PiiThresholds) {}

  columns(names: readonly string[]): void {
    for (let i = this.stats.length; i < names.length; i++) {
      const column = new ColumnStats(names[i]!, new CellClassifier(), this.thresholds);
      // A column first seen late (JSON Lines) was empty in the rows before it.
      column.cells = this.rows;
      this.stats.push(column);
    }
  }

  row(values: Row): void {
    this.rows++;
    for (let i = 0; i < this.stats.length; i++) this.stats[i]!.add(values[i]);
  }
}

export function sensitivityOf(columns: readonly ColumnResult[], rules: PiiThresholds['sensitivity']): Sensitivity {
  return sensitivityForTypes(new Set(columns.flatMap((c) => c.entities.map((e) => e.type))), rules);
}

/** The same rules on a set of types (the scan service applies them after reviewer verdicts). */
export function sensitivityForTypes(types: ReadonlySet<string>, rules: PiiThresholds['sensitivity']): Sensitivity {
  if (rules.restricted.some((t) => types.has(t))) return 'restricted';
  if (rules.confidential.some((t) => types.has(t))) return 'confidential';
  return types.size ? 'confidential' : rules.none;
}

/** Scans a CSV, JSON Lines or Parquet file and classifies its columns. */
export async function scanFile(file: string, options: ScanOptions): Promise<ScanResult> {
  const stat = await fs.stat(file).catch((error: NodeJS.ErrnoException) => {
    throw new PiiInputError(file, `cannot read: ${error.code ?? error.message}`);
  });
  if (!stat.isFile()) throw new PiiInputError(file, 'not a regular file');
  const format = options.format ?? (await detectFormat(file));
  const input = inputFor(file, format);
  let summaries: ColumnSummary[];
  let read;
  const workers = options.workers ?? (stat.size >= PARALLEL_MIN_BYTES ? availableParallelism() : 1);
  if (options.full && workers > 1) {
    const sink = new ParallelStatsSink(workers, options.thresholds);
    try {
      read = await input.scanAll(sink);
    } catch (error) {
      await sink.close();
      throw error;
    }
    summaries = await sink.finish();
  } else {
    const sink = new StatsSink(options.thresholds);
    read = options.full
      ? await input.scanAll(sink)
      : await input.sample(sink, {
          rows: options.sampleRows ?? options.thresholds.sampling.defaultRows,
          seed: options.seed ?? DEFAULT_SEED,
          blocks: options.thresholds.sampling.blocks,
        });
    summaries = sink.stats;
  }
  const columns = classifyTable(summaries, options.thresholds);
  return {
    file,
    format,
    rows: read.totalRows,
    sampled: { ...read.sample, rowsEstimated: read.rowsEstimated },
    sensitivity: sensitivityOf(columns, options.thresholds.sensitivity),
    columns,
  };
}
