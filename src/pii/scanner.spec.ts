import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { detectFormat, scanFile, sensitivityOf } from './scanner';
import { defaultPoliciesDir, loadThresholds } from './thresholds';

const thresholds = loadThresholds(defaultPoliciesDir());
let dir: string;
before(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'charter-scanner-spec-'));
});
after(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const N = 3000;
const cards = ['4111 1111 1111 1111', '5500 0000 0000 0004', '3782 822463 10005'];
const value = (column: number, i: number): string => [`user${i}@example.com`, cards[i % 3]!, `Order ${i} shipped`, `${(i * 7919) % 100000}`][column]!;

describe('scanFile', () => {
  it('classifies the same table alike from CSV, JSON Lines and Parquet', async () => {
    const header = ['email', 'card', 'note', 'amount'];
    const rows = Array.from({ length: N }, (_v, i) => header.map((_h, c) => value(c, i)));
    const csv = path.join(dir, 't.csv');
    await fs.writeFile(csv, [header.join(','), ...rows.map((r) => r.join(','))].join('\n') + '\n');
    const jsonl = path.join(dir, 't.jsonl');
    await fs.writeFile(jsonl, rows.map((r) => JSON.stringify(Object.fromEntries(header.map((h, c) => [h, r[c]])))).join('\n') + '\n');
    const parquet = path.join(dir, 't.parquet');
    await fs.writeFile(
      parquet,
      Buffer.from(parquetWriteBuffer({ columnData: header.map((name, c) => ({ name, data: rows.map((r) => r[c]!), type: 'STRING' as const })) })),
    );
    for (const file of [csv, jsonl, parquet]) {
      const result = await scanFile(file, { thresholds });
      assert.deepEqual(
        result.columns.map((c) => c.entities.map((e) => e.type)),
        [['EMAIL_ADDRESS'], ['CREDIT_CARD'], [], []],
        file,
      );
      assert.equal(result.rows, N);
      assert.equal(result.sensitivity, 'restricted');
    }
    assert.equal(await detectFormat(parquet), 'parquet');
    const renamed = path.join(dir, 'noext');
    await fs.copyFile(jsonl, renamed);
    assert.equal(await detectFormat(renamed), 'jsonl');
  });

  it('a full scan with worker threads counts exactly what a single thread counts', async () => {
    const file = path.join(dir, 'w.csv');
    const lines = ['email,phone,name,note'];
    for (let i = 0; i < 20_000; i++)
      lines.push(`u${i}@example.com,+44 20 7946 ${String(i % 10000).padStart(4, '0')},John Smith,"Call Mary Jones on +1 202-456-1111 about order ${i}"`);
    await fs.writeFile(file, lines.join('\n') + '\n');
    const single = await scanFile(file, { thresholds, full: true, workers: 1 });
    const parallel = await scanFile(file, { thresholds, full: true, workers: 2 });
    assert.deepEqual(
      parallel.columns.map((c) => [c.name, c.entities]),
      single.columns.map((c) => [c.name, c.entities]),
    );
    assert.equal(parallel.rows, 20_000);
  });

  it('sensitivity: the highest level of any personal type found, else the configured default', () => {
    const col = (types: string[]) =>
      ({
        name: 'x',
        pii: types.length > 0,
        entities: types.map((type) => ({ type, score: 1, matchRatio: 1 })),
        other: [],
        examples: [],
        freeText: false,
      }) as never;
    assert.equal(sensitivityOf([col([])], thresholds.sensitivity), 'internal');
    assert.equal(sensitivityOf([col(['EMAIL_ADDRESS'])], thresholds.sensitivity), 'confidential');
    assert.equal(sensitivityOf([col(['EMAIL_ADDRESS']), col(['US_SSN'])], thresholds.sensitivity), 'restricted');
  });
});
