import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { JsonLinesInput } from './jsonl';
import { CollectRows } from '../../../test/support/collect-rows';

const FIXTURES = path.resolve(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'pii');

let dir: string;
before(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'charter-jsonl-spec-'));
});
after(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('JSON Lines input', () => {
  it('flattens nested objects into dotted columns that may appear late', async () => {
    const sink = new CollectRows();
    const read = await new JsonLinesInput(path.join(FIXTURES, 'nested.jsonl')).scanAll(sink);
    assert.deepEqual(sink.names, ['id', 'name', 'contact.email', 'contact.phone', 'tags', 'extra']);
    assert.deepEqual(sink.rows[0], ['1', 'Jane Doe', 'jane@example.com', '+44 20 7946 0958', 'a b']);
    assert.deepEqual(sink.rows[1], ['2', 'John Smith', 'john@example.com', null, null, 'true']);
    assert.equal(read.totalRows, 2);
  });

  it('refuses an invalid line with its number, and lines that are not objects', async () => {
    const bad = path.join(dir, 'bad.jsonl');
    await fs.writeFile(bad, '{"a":1}\n{"a":\n');
    await assert.rejects(new JsonLinesInput(bad).scanAll(new CollectRows()), /bad\.jsonl: line 2: invalid JSON/);
    const array = path.join(dir, 'array.jsonl');
    await fs.writeFile(array, '[1,2]\n');
    await assert.rejects(new JsonLinesInput(array).scanAll(new CollectRows()), /line 1: expected a JSON object/);
  });

  it('refuses Latin-1 (JSON is UTF-8)', async () => {
    const latin1 = path.join(dir, 'latin1.jsonl');
    await fs.writeFile(latin1, Buffer.from('{"name":"Müller"}\n', 'latin1'));
    await assert.rejects(new JsonLinesInput(latin1).scanAll(new CollectRows()), /not UTF-8/);
  });

  it('samples a large file by random blocks, exactly on line boundaries', async () => {
    const big = path.join(dir, 'big.jsonl');
    const lines: string[] = [];
    for (let i = 0; i < 150_000; i++) lines.push(JSON.stringify({ i, email: `user${i}@example.com`, note: 'x'.repeat(20) }));
    await fs.writeFile(big, lines.join('\n') + '\n');
    const sink = new CollectRows();
    const read = await new JsonLinesInput(big).sample(sink, { rows: 800, seed: 5, blocks: 16 });
    assert.equal(read.sample.method, 'random-blocks');
    assert.equal(sink.rows.length, 800);
    assert.deepEqual(sink.names, ['i', 'email', 'note']);
    assert.ok(Math.abs(read.totalRows - 150_000) / 150_000 < 0.05, String(read.totalRows));
    const again = new CollectRows();
    await new JsonLinesInput(big).sample(again, { rows: 800, seed: 5, blocks: 16 });
    assert.deepEqual(again.rows, sink.rows);
  });
});
