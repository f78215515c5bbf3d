import { createReadStream } from 'node:fs';
import { Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CsvError, parse, type Options } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';
import { PiiInputError } from '../pii.errors';
import { sniffDialect, type CsvDialect } from './csv-dialect';
import { Utf8Checker, detectEncoding, type TextEncoding } from './encoding';
import { readHead, readRandomBlocks } from './file-blocks';
import { Reservoir, prng } from './prng';
import type { Row, RowSink, SampleOptions, TableInput, TableRead } from './table-input';

const HEAD_BYTES = 256 * 1024;
// Below this, a sample reads the whole file once (exact row count, uniform reservoir sample).
const SMALL_FILE_BYTES = 8 * 1024 * 1024;

/** Unique, non-empty column names ("" becomes column_3; a repeated name gets a suffix). */
export function columnNames(header: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return header.map((raw, i) => {
    const name = raw.trim() || `column_${i + 1}`;
    const n = seen.get(name) ?? 0;
    seen.set(name, n + 1);
    return n ? `${name}_${n + 1}` : name;
  });
}

export class CsvInput implements TableInput {
  private dialect?: CsvDialect;
  private encoding?: TextEncoding;
  private size = 0;
  private head: Buffer = Buffer.alloc(0);

  constructor(private readonly file: string) {}

  private fail(detail: string): never {
    throw new PiiInputError(this.file, detail);
  }

  private async open(): Promise<void> {
    const { head, size } = await readHead(this.file, HEAD_BYTES);
    if (size === 0) this.fail('empty file');
    const encoding = detectEncoding(head);
    if (typeof encoding !== 'string') this.fail(encoding.error);
    this.encoding = encoding;
    this.size = size;
    this.head = head;
    this.dialect = sniffDialect(new TextDecoder(encoding === 'utf-8' ? 'utf-8' : 'latin1').decode(head));
  }

  private options(): Options {
    return {
      delimiter: this.dialect!.delimiter,
      quote: this.dialect!.quote,
      encoding: this.encoding === 'utf-8' ? 'utf8' : 'latin1',
      bom: true,
      relax_column_count: true,
      skip_empty_lines: true,
    };
  }

  private parseError(error: unknown): never {
    if (error instanceof PiiInputError) throw error;
    if (error instanceof CsvError)
      this.fail(
        `bad CSV (delimiter ${JSON.stringify(this.dialect!.delimiter)}) at line ${(error as CsvError & { lines?: number }).lines ?? '?'}: ${error.message}`,
      );
    throw error;
  }

  /** Streams the file through csv-parse, checking UTF-8 on the way. */
  private async stream(onRecord: (record: string[]) => void | Promise<void>): Promise<number> {
    const checker = this.encoding === 'utf-8' ? new Utf8Checker() : undefined;
    const file = this.file;
    let records = 0;
    try {
      await pipeline(
        createReadStream(file, { highWaterMark: 1 << 20 }),
        new Transform({
          transform(chunk: Buffer, _encoding, done) {
            const bad = checker ? checker.push(chunk) : -1;
            if (bad >= 0) done(new PiiInputError(file, `invalid UTF-8 near byte ${bad} (the first ${HEAD_BYTES / 1024} KiB were UTF-8: mixed encodings?)`));
            else done(null, chunk);
          },
          flush(done) {
            const bad = checker ? checker.end() : -1;
            done(bad >= 0 ? new PiiInputError(file, `invalid UTF-8 at the end of the file (byte ${bad}): truncated?`) : null);
          },
        }),
        parse(this.options()),
        new Writable({
          objectMode: true,
          highWaterMark: 1024,
          write(record: string[], _encoding, done) {
            records++;
            const wait = onRecord(record);
            if (wait) wait.then(() => done(), done);
            else done();
          },
        }),
      );
    } catch (error) {
      this.parseError(error);
    }
    return records;
  }

  async scanAll(sink: RowSink): Promise<TableRead> {
    await this.open();
    let first = true;
    const records = await this.stream((record) => {
      if (!first) return sink.row(record);
      sink.columns(columnNames(record));
      first = false;
    });
    const rows = Math.max(0, records - 1);
    return { totalRows: rows, rowsEstimated: false, sample: { method: 'all-rows', rows, bytesRead: this.size } };
  }

  async sample(sink: RowSink, options: SampleOptions): Promise<TableRead> {
    await this.open();
    if (this.size <= SMALL_FILE_BYTES) return this.reservoirSample(sink, options);
    const head = this.parseHead();
    const columns = columnNames(head.header);
    const bytesPerRow = head.rows > 0 ? head.rowBytes / head.rows : 100;
    if ((this.size - head.dataStart) / bytesPerRow <= options.rows * 2) return this.reservoirSample(sink, options);
    sink.columns(columns);
    const dataStart = head.dataStart;
    const perBlock = Math.ceil(options.rows / options.blocks);
    const width = Math.max(16 * 1024, Math.ceil(perBlock * bytesPerRow * 1.5) + 4096);
    const blocks = await readRandomBlocks(this.file, dataStart, this.size, options.blocks, width, options.seed);
    let taken = 0;
    let parsedBytes = 0;
    let parsedRecords = 0;
    for (const block of blocks) {
      const { records, bytes } = this.parseBlock(block.bytes);
      const whole = records.filter((r) => r.length === columns.length);
      parsedBytes += bytes;
      parsedRecords += records.length;
      for (const r of whole.slice(0, Math.min(perBlock, options.rows - taken))) {
        await sink.row(r);
        taken++;
      }
    }
    if (taken === 0) this.fail(`no row with ${columns.length} fields found in ${blocks.length} blocks: inconsistent delimiter or quoting?`);
    return {
      totalRows: Math.round((this.size - dataStart) / (parsedBytes / parsedRecords)),
      rowsEstimated: true,
      sample: {
        method: 'random-blocks',
        seed: options.seed,
        requestedRows: options.rows,
        rows: taken,
        blocks: blocks.length,
        bytesRead: blocks.length * width + this.head.length,
      },
    };
  }

  private async reservoirSample(sink: RowSink, options: SampleOptions): Promise<TableRead> {
    const reservoir = new Reservoir<Row>(options.rows, prng(options.seed));
    let first = true;
    await this.stream((record) => {
      if (first) {
        sink.columns(columnNames(record));
        first = false;
      } else reservoir.offer(record);
    });
    for (const row of reservoir.items) await sink.row(row);
    const sample: TableRead['sample'] =
      reservoir.seen <= options.rows
        ? { method: 'all-rows', rows: reservoir.seen, bytesRead: this.size }
        : { method: 'reservoir', seed: options.seed, requestedRows: options.rows, rows: reservoir.items.length, bytesRead: this.size };
    return { totalRows: reservoir.seen, rowsEstimated: false, sample };
  }

  /** The header and the size of the rows in the first bytes; a last line cut inside quotes is dropped. */
  private parseHead(): { header: string[]; dataStart: number; rows: number; rowBytes: number } {
    let end = this.head.lastIndexOf(10) + 1;
    for (let attempt = 0; attempt < 16 && end > 0; attempt++) {
      try {
        const parsed = parseSync(this.head.subarray(0, end), { ...this.options(), info: true }) as unknown as { record: string[]; info: { bytes: number } }[];
        const header = parsed[0];
        if (!header) break;
        const dataStart = header.info.bytes;
        return { header: header.record, dataStart, rows: parsed.length - 1, rowBytes: end - dataStart };
      } catch (error) {
        if (attempt === 15) this.parseError(error);
        end = this.head.lastIndexOf(10, end - 2) + 1;
      }
    }
    return this.fail(`no complete header line in the first ${HEAD_BYTES / 1024} KiB`);
  }

  /**
   * Parses whole lines. A block read at a random offset may begin inside a quoted field that
   * spans lines: then parsing fails or yields rows of the wrong width, and we restart at the
   * next line, a few times, before giving up on the block.
   */
  private parseBlock(bytes: Buffer): { records: string[][]; bytes: number } {
    let start = 0;
    for (let attempt = 0; attempt < 8 && start < bytes.length; attempt++) {
      try {
        const records = parseSync(bytes.subarray(start), this.options());
        return { records, bytes: bytes.length - start };
      } catch {
        const next = bytes.indexOf(10, start);
        if (next < 0) break;
        start = next + 1;
      }
    }
    return { records: [], bytes: 0 };
  }
}
