import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PiiInputError } from '../pii.errors';
import { CsvInput } from './csv';
import { sniffDialect } from './csv-dialect';
import { CollectRows } from '../../../test/support/collect-rows';

const FIXTURES = path.resolve(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'pii');

let dir: string;
before(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'charter-csv-spec-'));
});
after(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function file(name: string, content: string | Buffer): Promise<string> {
  const p = path.join(dir, name);
  await fs.writeFile(p, content);
  return p;
}

describe('CSV dialect sniffing', () => {
  it('picks the delimiter that splits lines consistently', () => {
    assert.equal(sniffDialect('a,b,c\n1,2,3\n').delimiter, ',');
    assert.equal(sniffDialect('a;b;c\n"1,5";2;3\n').delimiter, ';');
    assert.equal(sniffDialect('a\tb\n1\t2\n').delimiter, '\t');
    assert.equal(sniffDialect('a|b|c\n1|2|3\n').delimiter, '|');
    assert.equal(sniffDialect('time,event\n12:30:45,x\n13:00:00,y\n').delimiter, ',', 'colons inside values do not win');
  });

  it("uses ' as the quote only when fields open with it", () => {
    assert.equal(sniffDialect("a,b\n'x,y',1\n'z',2\n").quote, "'");
    assert.equal(sniffDialect('a,b\n"x,y",1\n').quote, '"');
  });
});

describe('CSV input', () => {
  it('reads quoted fields with delimiters, doubled quotes and line breaks', async () => {
    const sink = new CollectRows();
    const read = await new CsvInput(path.join(FIXTURES, 'semicolon-quoted.csv')).scanAll(sink);
    assert.deepEqual(sink.names, ['name', 'email', 'note']);
    assert.deepEqual(sink.rows, [
      ['Smith; John', 'john@example.com', 'line one\nline two'],
      ['Anna Müller', 'anna@example.de', 'she said "hi"'],
    ]);
    assert.equal(read.totalRows, 2);
    assert.equal(read.sample.method, 'all-rows');
  });

  it('detects Latin-1 and decodes it', async () => {
    const sink = new CollectRows();
    await new CsvInput(path.join(FIXTURES, 'latin1.csv')).scanAll(sink);
    assert.deepEqual(sink.rows[0], ['Jürgen Müller', 'München', '+49 89 1234567']);
  });

  it('strips a UTF-8 byte order mark and names empty or repeated headers', async () => {
    const sink = new CollectRows();
    await new CsvInput(await file('bom.csv', '\uFEFFid,,id\n1,2,3\n')).scanAll(sink);
    assert.deepEqual(sink.names, ['id', 'column_2', 'id_2']);
  });

  it('refuses bad quoting with the line', async () => {
    const bad = await file('bad-quote.csv', 'a,b\n1,"unclosed\n2,3\n');
    await assert.rejects(new CsvInput(bad).scanAll(new CollectRows()), (e: Error) => e instanceof PiiInputError && /bad CSV .*line/.test(e.message));
    const stray = await file('stray-quote.csv', 'a,b\n1,x"y"z\n');
    await assert.rejects(new CsvInput(stray).scanAll(new CollectRows()), /bad CSV/);
  });

  it('refuses UTF-16, binary files, and UTF-8 that breaks after the first bytes', async () => {
    const utf16 = await file('utf16.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a,b\n1,2\n', 'utf16le')]));
    await assert.rejects(new CsvInput(utf16).scanAll(new CollectRows()), /UTF-16/);
    const binary = await file('binary.csv', Buffer.from([0x61, 0x2c, 0x00, 0x01, 0x0a]));
    await assert.rejects(new CsvInput(binary).scanAll(new CollectRows()), /NUL/);
    const head = 'name,city\n' + 'Jane,Berlin\n'.repeat(30_000);
    const mixed = await file('mixed.csv', Buffer.concat([Buffer.from(head, 'utf8'), Buffer.from('Jürgen,München\n', 'latin1')]));
    await assert.rejects(new CsvInput(mixed).scanAll(new CollectRows()), /invalid UTF-8 near byte/);
  });

  it('refuses an empty file', async () => {
    await assert.rejects(new CsvInput(await file('empty.csv', '')).scanAll(new CollectRows()), /empty file/);
  });

  describe('sampling', () => {
    let big: string;
    const ROWS = 200_000;
    before(async () => {
      // ~10 MB, with a quoted multi-line field every 1,000 rows to trip block resynchronisation.
      const lines = ['id,name,note'];
      for (let i = 0; i < ROWS; i++) lines.push(i % 1000 === 0 ? `${i},Name ${i},"multi\nline, ${i}"` : `${i},Name ${i},plain note number ${i}`);
      big = await file('big.csv', lines.join('\n') + '\n');
    });

    it('reads blocks at seeded random offsets in a large file, and says so', async () => {
      const sink = new CollectRows();
      const read = await new CsvInput(big).sample(sink, { rows: 1000, seed: 7, blocks: 16 });
      assert.equal(read.sample.method, 'random-blocks');
      assert.equal(read.sample.seed, 7);
      assert.equal(read.sample.blocks, 16);
      assert.ok(read.sample.rows >= 950 && read.sample.rows <= 1000, String(read.sample.rows));
      assert.ok(read.sample.bytesRead < (await fs.stat(big)).size / 10, 'reads a small part of the file');
      assert.equal(read.rowsEstimated, true);
      assert.ok(Math.abs(read.totalRows - ROWS) / ROWS < 0.1, `estimate ${read.totalRows}`);
      for (const row of sink.rows) assert.equal(row.length, 3);
      const ids = sink.rows.map((r) => Number(r[0]));
      assert.ok(Math.min(...ids) < ROWS / 8 && Math.max(...ids) > (ROWS * 7) / 8, 'spread over the whole file');
    });

    it('is deterministic for a seed and differs between seeds', async () => {
      const a = new CollectRows();
      const b = new CollectRows();
      const c = new CollectRows();
      await new CsvInput(big).sample(a, { rows: 500, seed: 1, blocks: 8 });
      await new CsvInput(big).sample(b, { rows: 500, seed: 1, blocks: 8 });
      await new CsvInput(big).sample(c, { rows: 500, seed: 2, blocks: 8 });
      assert.deepEqual(a.rows, b.rows);
      assert.notDeepEqual(a.rows, c.rows);
    });

    it('small files: one pass, uniform reservoir, exact row count', async () => {
      const small = await file('small.csv', 'n\n' + Array.from({ length: 5000 }, (_v, i) => String(i)).join('\n') + '\n');
      const sink = new CollectRows();
      const read = await new CsvInput(small).sample(sink, { rows: 100, seed: 3, blocks: 8 });
      assert.equal(read.sample.method, 'reservoir');
      assert.equal(read.totalRows, 5000);
      assert.equal(sink.rows.length, 100);
      const all = new CollectRows();
      const whole = await new CsvInput(small).sample(all, { rows: 10_000, seed: 3, blocks: 8 });
      assert.equal(whole.sample.method, 'all-rows');
      assert.equal(all.rows.length, 5000);
    });
  });
});
