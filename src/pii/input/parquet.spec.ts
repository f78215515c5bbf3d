import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { ParquetInput } from './parquet';
import { CollectRows } from '../../../test/support/collect-rows';

let dir: string;
let file: string;
const ROWS = 20_000;

before(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'charter-parquet-spec-'));
  file = path.join(dir, 'people.parquet');
  const buffer = parquetWriteBuffer({
    columnData: [
      { name: 'id', data: BigInt64Array.from({ length: ROWS }, (_v, i) => BigInt(i)), type: 'INT64' },
      { name: 'email', data: Array.from({ length: ROWS }, (_v, i) => `user${i}@example.com`), type: 'STRING' },
      { name: 'score', data: Float64Array.from({ length: ROWS }, (_v, i) => i / ROWS), type: 'DOUBLE' },
      { name: 'note', data: Array.from({ length: ROWS }, (_v, i) => (i % 10 ? null : `note ${i}`)), type: 'STRING', nullable: true },
    ],
    rowGroupSize: 4000,
  });
  await fs.writeFile(file, Buffer.from(buffer));
});
after(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('Parquet input (hyparquet)', () => {
  it('reads every row group, converting values to text', async () => {
    const sink = new CollectRows();
    const read = await new ParquetInput(file).scanAll(sink);
    assert.deepEqual(sink.names, ['id', 'email', 'score', 'note']);
    assert.equal(read.totalRows, ROWS);
    assert.equal(sink.rows.length, ROWS);
    assert.deepEqual(sink.rows[10], ['10', 'user10@example.com', String(10 / ROWS), 'note 10']);
    assert.equal(sink.rows[11]![3], null);
  });

  it('samples seeded random row ranges with the exact row count from the footer', async () => {
    const a = new CollectRows();
    const read = await new ParquetInput(file).sample(a, { rows: 500, seed: 9, blocks: 10 });
    assert.equal(read.sample.method, 'row-ranges');
    assert.equal(read.totalRows, ROWS);
    assert.equal(read.rowsEstimated, false);
    assert.ok(a.rows.length >= 450 && a.rows.length <= 520, String(a.rows.length));
    const b = new CollectRows();
    await new ParquetInput(file).sample(b, { rows: 500, seed: 9, blocks: 10 });
    assert.deepEqual(a.rows, b.rows);
    const ids = a.rows.map((r) => Number(r[0]));
    assert.ok(Math.max(...ids) - Math.min(...ids) > ROWS / 2, 'spread over the file');
  });

  it('refuses a truncated file and a file that is not Parquet', async () => {
    const whole = await fs.readFile(file);
    const truncated = path.join(dir, 'truncated.parquet');
    await fs.writeFile(truncated, whole.subarray(0, Math.floor(whole.length / 2)));
    await assert.rejects(new ParquetInput(truncated).scanAll(new CollectRows()), /truncated\.parquet: not a Parquet file, or truncated/);
    const tiny = path.join(dir, 'tiny.parquet');
    await fs.writeFile(tiny, 'PAR1');
    await assert.rejects(new ParquetInput(tiny).scanAll(new CollectRows()), /not a Parquet file, or truncated/);
    const csv = path.join(dir, 'fake.parquet');
    await fs.writeFile(csv, 'a,b\n1,2\n'.repeat(10));
    await assert.rejects(new ParquetInput(csv).sample(new CollectRows(), { rows: 10, seed: 1, blocks: 2 }), /not a Parquet file/);
  });
});
