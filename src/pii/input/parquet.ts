import { promises as fs } from 'node:fs';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { decompress as zstdDecompress } from 'fzstd';
import { parquetMetadataAsync, parquetReadObjects, type AsyncBuffer, type Compressors, type FileMetaData } from 'hyparquet';
import { PiiInputError } from '../pii.errors';
import { ColumnMapper } from './column-mapper';
import { flattenRecord } from './jsonl';
import { prng } from './prng';
import type { Cell, RowSink, SampleOptions, TableInput, TableRead } from './table-input';

// hyparquet decodes Snappy itself; GZIP and Brotli come from node:zlib, ZSTD (Polars' default)
// from fzstd, a pure-JS decoder. LZ4 is refused with a clear message.
const COMPRESSORS: Compressors = {
  GZIP: (input) => new Uint8Array(gunzipSync(input)),
  BROTLI: (input) => new Uint8Array(brotliDecompressSync(input)),
  ZSTD: (input) => zstdDecompress(input),
};

// A sample touches at most this many row groups: without an offset index, hyparquet reads a
// whole column chunk per row group, so this bounds the bytes read on large files.
const MAX_SAMPLE_GROUPS = 8;

/** Reads byte ranges with positioned reads on one open file. */
async function fileBuffer(file: string): Promise<{ buffer: AsyncBuffer; close: () => Promise<void>; bytesRead: () => number }> {
  const handle = await fs.open(file, 'r');
  const { size } = await handle.stat();
  let read = 0;
  return {
    buffer: {
      byteLength: size,
      async slice(start: number, end?: number): Promise<ArrayBuffer> {
        const length = (end ?? size) - start;
        const out = new Uint8Array(length);
        const { bytesRead } = await handle.read(out, 0, length, start);
        read += bytesRead;
        return out.buffer.slice(0, bytesRead);
      },
    },
    close: () => handle.close(),
    bytesRead: () => read,
  };
}

function toCell(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) {
    const iso = value.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
  }
  if (value instanceof Uint8Array) return null; // binary: nothing a text detector can read
  return value;
}

function flatten(row: Record<string, unknown>): Map<string, Cell> {
  const converted: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    converted[k] =
      v !== null && typeof v === 'object' && !(v instanceof Date) && !(v instanceof Uint8Array)
        ? JSON.parse(JSON.stringify(v, (_key, x: unknown) => toCell(x)))
        : toCell(v);
  }
  const cells = new Map<string, Cell>();
  flattenRecord(converted, '', cells);
  return cells;
}

export class ParquetInput implements TableInput {
  constructor(private readonly file: string) {}

  private fail(error: unknown): never {
    if (error instanceof PiiInputError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    if (/PAR1|footer|metadata/i.test(message)) throw new PiiInputError(this.file, `not a Parquet file, or truncated (${message})`);
    if (/compression|codec/i.test(message))
      throw new PiiInputError(this.file, `unsupported Parquet compression (${message}); supported: SNAPPY, GZIP, BROTLI, ZSTD`);
    throw new PiiInputError(this.file, `unreadable Parquet (${message})`);
  }

  private async withFile<T>(body: (buffer: AsyncBuffer, metadata: FileMetaData, bytesRead: () => number) => Promise<T>): Promise<T> {
    const { buffer, close, bytesRead } = await fileBuffer(this.file);
    try {
      if (buffer.byteLength < 12) throw new PiiInputError(this.file, 'not a Parquet file, or truncated (shorter than header and footer)');
      const metadata = await parquetMetadataAsync(buffer);
      return await body(buffer, metadata, bytesRead);
    } catch (error) {
      return this.fail(error);
    } finally {
      await close();
    }
  }

  private async readRows(buffer: AsyncBuffer, metadata: FileMetaData, rowStart: number, rowEnd: number, sink: ColumnMapper): Promise<number> {
    const rows = (await parquetReadObjects({ file: buffer, metadata, rowStart, rowEnd, compressors: COMPRESSORS, useOffsetIndex: true })) as Record<
      string,
      unknown
    >[];
    for (const row of rows) {
      const wait = sink.row(flatten(row));
      if (wait) await wait;
    }
    return rows.length;
  }

  /** One row group at a time: memory is bounded by the largest row group, as in every Parquet reader. */
  async scanAll(sink: RowSink): Promise<TableRead> {
    return this.withFile(async (buffer, metadata) => {
      const mapper = new ColumnMapper(sink, this.file);
      let start = 0;
      let rows = 0;
      for (const group of metadata.row_groups) {
        const n = Number(group.num_rows);
        rows += await this.readRows(buffer, metadata, start, start + n, mapper);
        start += n;
      }
      return { totalRows: rows, rowsEstimated: false, sample: { method: 'all-rows', rows, bytesRead: buffer.byteLength } };
    });
  }

  /**
   * Seeded random row ranges. The row count is exact (from the footer); ranges fall in at most
   * MAX_SAMPLE_GROUPS row groups drawn at random, in strata over each.
   */
  async sample(sink: RowSink, options: SampleOptions): Promise<TableRead> {
    return this.withFile(async (buffer, metadata, bytesRead) => {
      const total = Number(metadata.num_rows);
      const mapper = new ColumnMapper(sink, this.file);
      if (total <= options.rows) {
        let start = 0;
        for (const group of metadata.row_groups) {
          const n = Number(group.num_rows);
          await this.readRows(buffer, metadata, start, start + n, mapper);
          start += n;
        }
        return { totalRows: total, rowsEstimated: false, sample: { method: 'all-rows', rows: total, bytesRead: bytesRead() } };
      }
      const random = prng(options.seed);
      const groups: { start: number; rows: number }[] = [];
      let start = 0;
      for (const g of metadata.row_groups) {
        groups.push({ start, rows: Number(g.num_rows) });
        start += Number(g.num_rows);
      }
      const chosen =
        groups.length <= MAX_SAMPLE_GROUPS
          ? groups
          : shuffle(groups, random)
              .slice(0, MAX_SAMPLE_GROUPS)
              .sort((a, b) => a.start - b.start);
      const chosenRows = chosen.reduce((s, g) => s + g.rows, 0);
      let taken = 0;
      let ranges = 0;
      for (const g of chosen) {
        const want = Math.min(g.rows, Math.round((options.rows * g.rows) / chosenRows));
        const count = Math.max(1, Math.round((options.blocks * g.rows) / chosenRows));
        const per = Math.ceil(want / count);
        for (let i = 0; i < count && taken < options.rows; i++) {
          const offset = g.start + Math.floor(((i + random()) / count) * Math.max(0, g.rows - per));
          taken += await this.readRows(buffer, metadata, offset, Math.min(offset + per, g.start + g.rows), mapper);
          ranges++;
        }
      }
      return {
        totalRows: total,
        rowsEstimated: false,
        sample: { method: 'row-ranges', seed: options.seed, requestedRows: options.rows, rows: taken, blocks: ranges, bytesRead: bytesRead() },
      };
    });
  }
}

function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
