/**
 * `npm test`: prepares one PostgreSQL server (DATABASE_URL if set, else an embedded one in a
 * temporary directory), migrates a template database once, then runs every compiled test file
 * with node's test runner. Each test file copies the template (test/support/database.ts); each
 * test process preloads test/support/fail-on-overlapping-queries.ts.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { createLogger } from '../src/common/logger';
import { startEmbeddedPostgres, type RunningEmbeddedPostgres } from '../src/database/embedded-postgres';
import { applyMigrations } from '../src/database/migrations';
import { withDatabase } from './support/database';
import { TEST_ENV } from './support/test-env';

const DIST = path.resolve(__dirname, '..');

async function findTests(dir: string, pattern: RegExp): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && pattern.test(e.name))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

async function main(): Promise<number> {
  const filters = process.argv.slice(2);
  let embedded: RunningEmbeddedPostgres | undefined;
  let dataDir: string | undefined;
  let adminUrl = process.env['DATABASE_URL'];
  if (!adminUrl) {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'charter-test-pg-'));
    embedded = await startEmbeddedPostgres(dataDir, createLogger('warn'));
    adminUrl = embedded.url;
    process.stdout.write(`# tests use an embedded PostgreSQL in ${dataDir}\n`);
  } else {
    process.stdout.write('# tests use the PostgreSQL server at DATABASE_URL\n');
  }
  const template = `charter_template_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${template}`);
    await applyMigrations(withDatabase(adminUrl, template));
    let files = [...(await findTests(path.join(DIST, 'test'), /\.test\.js$/)), ...(await findTests(path.join(DIST, 'src'), /\.spec\.js$/))];
    // Filters match the path inside the project (test/…, src/…), never the checkout's own folder name.
    if (filters.length) files = files.filter((f) => filters.some((x) => path.relative(DIST, f).includes(x)));
    const code = await new Promise<number>((resolve) => {
      const child = spawn(process.execPath, ['--test', '--require', path.join(__dirname, 'support', 'fail-on-overlapping-queries.js'), ...files], {
        stdio: 'inherit',
        env: { ...process.env, [TEST_ENV.adminUrl]: adminUrl, [TEST_ENV.templateDatabase]: template, NODE_ENV: 'test' },
      });
      child.on('exit', (c) => resolve(c ?? 1));
    });
    return code;
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
    await embedded?.stop();
    if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`test setup failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
