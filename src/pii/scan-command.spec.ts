import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { runScanCommand } from './scan-command';

const BIN = path.resolve(__dirname, '..', 'cli', 'charter.js');
const FIXTURES = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'pii');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The real executable, as `npx charter` runs it. */
async function charter(...args: string[]): Promise<Run> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** In-process, for the many argument cases. */
async function scan(...args: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await runScanCommand(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

let dir: string;
let people: string;
before(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'charter-cli-spec-'));
  people = path.join(dir, 'people.csv');
  const rows = ['full_name,correo,col_7,sku,created_at'];
  const names = ['John Smith', 'Mary Johnson', 'Peter Brown', 'Linda Davis', 'James Miller'];
  for (let i = 0; i < 200; i++) {
    rows.push(`${names[i % 5]},user${i}@example.com,+44 20 7946 ${String(1000 + i)},SKU-${1000 + i}-AB,2024-03-0${1 + (i % 9)}T10:00:00Z`);
  }
  await fs.writeFile(people, rows.join('\n') + '\n');
});
after(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('charter scan', () => {
  it('--json prints exactly the documented document', async () => {
    const run = await charter('scan', people, '--json');
    assert.equal(run.code, 0, run.stderr);
    const doc = JSON.parse(run.stdout) as Record<string, unknown> & { columns: Record<string, unknown>[] };
    assert.deepEqual(Object.keys(doc), ['file', 'rows', 'sampled', 'sensitivity', 'columns']);
    assert.equal(doc['file'], people);
    assert.equal(doc['rows'], 200);
    assert.equal(doc['sensitivity'], 'confidential');
    assert.deepEqual((doc['sampled'] as { method: string }).method, 'all-rows');
    for (const c of doc.columns) {
      assert.deepEqual(Object.keys(c), ['name', 'pii', 'entities', 'examples']);
      for (const e of c['entities'] as Record<string, unknown>[]) assert.deepEqual(Object.keys(e), ['type', 'score', 'matchRatio']);
    }
    assert.deepEqual(
      doc.columns.map((c) => [c['name'], c['pii'], (c['entities'] as { type: string }[]).map((e) => e.type)]),
      [
        ['full_name', true, ['PERSON']],
        ['correo', true, ['EMAIL_ADDRESS']],
        ['col_7', true, ['PHONE_NUMBER']],
        ['sku', false, []],
        ['created_at', false, []],
      ],
    );
    const examples = doc.columns[1]!['examples'] as string[];
    assert.ok(examples.length > 0 && examples.every((e) => !e.includes('user') && e.includes('*')), 'masked');
  });

  it('prints a readable table by default, non-personal types in brackets', async () => {
    const run = await charter('scan', people);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /people\.csv \(csv\): 200 rows, all read/);
    assert.match(run.stdout, /sensitivity: confidential; 3 of 5 columns hold personal data/);
    assert.match(run.stdout, /^correo\s+yes\s+EMAIL_ADDRESS 1\.00 \(100%\)/m, 'the header confirms the content');
    assert.match(run.stdout, /^created_at\s+no\s+\[DATE_TIME 100%\]/m);
  });

  it('samples by default with a seed, and --sample / --seed / --full change how', async () => {
    const sampled = JSON.parse((await scan(people, '--json', '--sample', '50', '--seed', '4')).stdout) as { sampled: Record<string, unknown> };
    assert.deepEqual(sampled.sampled, {
      method: 'reservoir',
      seed: 4,
      requestedRows: 50,
      rows: 50,
      bytesRead: (await fs.stat(people)).size,
      rowsEstimated: false,
    });
    const full = JSON.parse((await scan(people, '--json', '--full')).stdout) as { sampled: Record<string, unknown> };
    assert.equal(full.sampled['method'], 'all-rows');
  });

  it('--format overrides the extension', async () => {
    const jsonl = path.join(dir, 'contacts.txt');
    await fs.copyFile(path.join(FIXTURES, 'nested.jsonl'), jsonl);
    const run = await scan(jsonl, '--format', 'jsonl', '--json');
    assert.equal(run.code, 0, run.stderr);
    const doc = JSON.parse(run.stdout) as { columns: { name: string }[] };
    assert.ok(doc.columns.some((c) => c.name === 'contact.email'));
  });

  it('exit 2 on usage errors, with the usage line', async () => {
    for (const args of [
      [],
      ['a.csv', 'b.csv'],
      [people, '--sample', 'ten'],
      [people, '--sample', '0'],
      [people, '--sample', '5', '--full'],
      [people, '--format', 'xls'],
      [people, '--bogus'],
      [people, '--seed', '-1'],
    ]) {
      const run = await scan(...args);
      assert.equal(run.code, 2, args.join(' '));
      assert.match(run.stderr, /usage: charter scan <file>/);
    }
    const unknown = await charter('frobnicate');
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown command "frobnicate"/);
    assert.equal((await charter()).code, 2);
  });

  it('exit 1 on an unreadable file, with a clear message and nothing on stdout', async () => {
    const badCsv = path.join(dir, 'bad.csv');
    await fs.writeFile(badCsv, 'a,b\n1,"open\n');
    const truncated = path.join(dir, 'cut.parquet');
    await fs.writeFile(truncated, 'PAR1 not really');
    for (const [file, message] of [
      [path.join(dir, 'missing.csv'), /missing\.csv: cannot read: ENOENT/],
      [badCsv, /bad\.csv: bad CSV/],
      [truncated, /cut\.parquet: not a Parquet file, or truncated/],
      [dir, /not a regular file/],
    ] as const) {
      const run = await charter('scan', file);
      assert.equal(run.code, 1, file);
      assert.match(run.stderr, message);
      assert.equal(run.stdout, '');
    }
  });

  it('--help prints the usage and exits 0', async () => {
    const run = await charter('scan', '--help');
    assert.equal(run.code, 0);
    assert.match(run.stdout, /--sample N \| --full/);
  });
});
