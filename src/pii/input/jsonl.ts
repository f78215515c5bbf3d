import { createReadStream } from 'node:fs';
import { PiiInputError } from '../pii.errors';
import { ColumnMapper } from './column-mapper';
import { Utf8Checker, detectEncoding } from './encoding';
import { readHead, readRandomBlocks } from './file-blocks';
import { Reservoir, prng } from './prng';
import type { Cell, RowSink, SampleOptions, TableInput, TableRead } from './table-input';

const SMALL_FILE_BYTES = 8 * 1024 * 1024;
const MAX_DEPTH = 4;

/** Nested objects become dotted columns ("address.city"); arrays and deeper values are kept as JSON text. */
export function flattenRecord(value: unknown, prefix: string, out: Map<string, Cell>, depth = 0): void {
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && depth < MAX_DEPTH) {
    for (const [k, v] of Object.entries(value)) flattenRecord(v, prefix ? `${prefix}.${k}` : k, out, depth + 1);
    return;
  }
  let cell: Cell;
  if (value === null || value === undefined) cell = null;
  else if (typeof value === 'string') cell = value;
  else if (typeof value === 'number' || typeof value === 'boolean') cell = String(value);
  else if (Array.isArray(value) && value.every((v) => typeof v === 'string')) cell = value.join(' ');
  else cell = JSON.stringify(value);
  out.set(prefix || 'value', cell);
}

export class JsonLinesInput implements TableInput {
  constructor(private readonly file: string) {}

  private parseLine(line: string, where: string): Map<string, Cell> {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new PiiInputError(this.file, `${where}: invalid JSON: ${(error as Error).message}`);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new PiiInputError(this.file, `${where}: expected a JSON object per line`);
    const cells = new Map<string, Cell>();
    flattenRecord(value, '', cells);
    return cells;
  }

  private async checkedHead(): Promise<number> {
    const { head, size } = await readHead(this.file, 64 * 1024);
    if (size === 0) throw new PiiInputError(this.file, 'empty file');
    const encoding = detectEncoding(head);
    if (typeof encoding !== 'string') throw new PiiInputError(this.file, encoding.error);
    // RFC 8259: JSON text exchanged between systems is UTF-8.
    if (encoding !== 'utf-8') throw new PiiInputError(this.file, 'not UTF-8: JSON Lines must be UTF-8 (RFC 8259)');
    return size;
  }

  /** Every line, in order, with bounded memory (one chunk plus one partial line). */
  private async lines(onLine: (line: string, n: number) => void | Promise<void>): Promise<number> {
    const checker = new Utf8Checker();
    const decoder = new TextDecoder('utf-8');
    let rest = '';
    let n = 0;
    let records = 0;
    const emit = (line: string): void | Promise<void> => {
      n++;
      const trimmed = line.endsWith('\r') ? line.slice(0, -1) : line;
      if (!trimmed.trim()) return;
      records++;
      return onLine(trimmed, n);
    };
    for await (const chunk of createReadStream(this.file, { highWaterMark: 1 << 20 })) {
      const bad = checker.push(chunk as Buffer);
      if (bad >= 0) throw new PiiInputError(this.file, `invalid UTF-8 near byte ${bad}`);
      const text = rest + decoder.decode(chunk as Buffer, { stream: true });
      let start = 0;
      for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
        const wait = emit(text.slice(start, nl));
        start = nl + 1;
        if (wait) await wait;
      }
      rest = text.slice(start);
    }
    if (checker.end() >= 0) throw new PiiInputError(this.file, 'invalid UTF-8 at the end of the file: truncated?');
    rest += decoder.decode();
    if (rest.trim()) await emit(rest);
    return records;
  }

  async scanAll(sink: RowSink): Promise<TableRead> {
    const size = await this.checkedHead();
    const mapper = new ColumnMapper(sink, this.file);
    const rows = await this.lines((line, n) => mapper.row(this.parseLine(line, `line ${n}`)));
    return { totalRows: rows, rowsEstimated: false, sample: { method: 'all-rows', rows, bytesRead: size } };
  }

  async sample(sink: RowSink, options: SampleOptions): Promise<TableRead> {
    const size = await this.checkedHead();
    const mapper = new ColumnMapper(sink, this.file);
    if (size <= SMALL_FILE_BYTES) {
      const reservoir = new Reservoir<Map<string, Cell>>(options.rows, prng(options.seed));
      const rows = await this.lines((line, n) => {
        reservoir.offer(this.parseLine(line, `line ${n}`));
      });
      for (const cells of reservoir.items) await mapper.row(cells);
      const sample: TableRead['sample'] =
        rows <= options.rows
          ? { method: 'all-rows', rows, bytesRead: size }
          : { method: 'reservoir', seed: options.seed, requestedRows: options.rows, rows: reservoir.items.length, bytesRead: size };
      return { totalRows: rows, rowsEstimated: false, sample };
    }
    // Lines never contain a raw newline in JSON Lines, so a block trimmed to whole lines is exact.
    const { head } = await readHead(this.file, 64 * 1024);
    const headLines =
      head
        .subarray(0, head.lastIndexOf(10) + 1)
        .toString('utf8')
        .split('\n').length - 1;
    const bytesPerRow = headLines > 0 ? (head.lastIndexOf(10) + 1) / headLines : 200;
    const perBlock = Math.ceil(options.rows / options.blocks);
    const width = Math.max(16 * 1024, Math.ceil(perBlock * bytesPerRow * 1.5) + 4096);
    const blocks = await readRandomBlocks(this.file, 0, size, options.blocks, width, options.seed);
    let taken = 0;
    let lineCount = 0;
    let lineBytes = 0;
    for (const block of blocks) {
      const lines = block.bytes.toString('utf8').split('\n');
      lines.pop();
      lineCount += lines.length;
      lineBytes += block.bytes.length;
      let at = block.offset;
      for (const line of lines.slice(0, Math.min(perBlock, options.rows - taken))) {
        if (line.trim()) {
          await mapper.row(this.parseLine(line, `the line at byte ${at}`));
          taken++;
        }
        at += Buffer.byteLength(line) + 1;
      }
    }
    return {
      totalRows: Math.round(size / (lineBytes / Math.max(1, lineCount))),
      rowsEstimated: true,
      sample: {
        method: 'random-blocks',
        seed: options.seed,
        requestedRows: options.rows,
        rows: taken,
        blocks: blocks.length,
        bytesRead: blocks.length * width,
      },
    };
  }
}
