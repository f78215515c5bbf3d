import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { findFreePort } from '../src/database/embedded-postgres';

const DIST_SRC = path.resolve(__dirname, '..', 'src');

/** The environment of a new user: no DATABASE_URL, no OIDC_ISSUER_URL, free ports. */
async function unconfiguredEnv(dataDir: string, port: number): Promise<NodeJS.ProcessEnv> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CHARTER_DATA_DIR: dataDir,
    PORT: String(port),
    DEV_IDP_PORT: String(await findFreePort()),
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
  };
  delete env['DATABASE_URL'];
  delete env['OIDC_ISSUER_URL'];
  return env;
}

interface Started {
  child: ChildProcess;
  url: string;
  stdout: () => string;
  readyMs: number;
}

/**
 * `npm start` as a new user runs it: no DATABASE_URL, no OIDC_ISSUER_URL. Charter must start its
 * embedded PostgreSQL and development identity provider, and a restart must keep the data.
 */
describe('npm start with nothing configured', () => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let port: number;

  before(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'charter-start-'));
    port = await findFreePort();
    env = await unconfiguredEnv(dataDir, port);
  });
  after(async () => {
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  async function start(): Promise<Started> {
    const t0 = performance.now();
    const child = spawn(process.execPath, [path.join(DIST_SRC, 'main.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const url = `http://127.0.0.1:${port}`;
    while (performance.now() - t0 < 30_000) {
      if (child.exitCode !== null) throw new Error(`charter exited with ${child.exitCode}: ${out}`);
      if (
        await fetch(`${url}/health/ready`).then(
          (r) => r.status === 200,
          () => false,
        )
      ) {
        return { child, url, stdout: () => out, readyMs: performance.now() - t0 };
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    child.kill('SIGKILL');
    throw new Error(`not ready within 30 s: ${out}`);
  }

  async function stop(s: Started): Promise<number | null> {
    return new Promise((resolve) => {
      s.child.once('exit', (code) => resolve(code));
      s.child.kill('SIGTERM');
    });
  }

  async function token(user: string): Promise<string> {
    const { stdout } = await promisify(execFile)(process.execPath, [path.join(DIST_SRC, 'cli', 'token.js'), user], { env });
    return stdout;
  }

  async function me(url: string, bearer: string): Promise<{ id: string; roles: string[] }> {
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
      body: JSON.stringify({ query: '{ me { id roles } }' }),
    });
    const body = (await res.json()) as { data: { me: { id: string; roles: string[] } } };
    return body.data.me;
  }

  it('starts on embedded PostgreSQL with the development IdP, serves tokens, and keeps data across restarts', async () => {
    const first = await start();
    let firstId: string;
    try {
      assert.match(first.stdout(), /DEVELOPMENT IDENTITY PROVIDER - NOT FOR PRODUCTION/);
      for (const user of ['admin', 'risk', 'ciso', 'compliance', 'ds', 'owner', 'ingest']) assert.match(first.stdout(), new RegExp(`!!\\s+${user}\\s`));
      assert.match(first.stdout(), new RegExp(`Charter is running at http://localhost:${port}`));

      const printed = await token('compliance');
      assert.match(printed, /^[\w-]+\.[\w-]+\.[\w-]+\n$/, 'npm run -s token prints only the token');
      const who = await me(first.url, printed.trim());
      assert.deepEqual(who.roles, ['compliance']);
      firstId = who.id;
    } finally {
      assert.equal(await stop(first), 0, 'SIGTERM stops Charter cleanly');
    }
    await assert.rejects(fs.access(path.join(dataDir, 'postgres', 'postmaster.pid')), 'the embedded PostgreSQL stopped with Charter');

    const second = await start();
    try {
      const again = await me(second.url, (await token('compliance')).trim());
      assert.equal(again.id, firstId, 'the second start reuses the same database');
      process.stdout.write(`# ready after ${first.readyMs.toFixed(0)} ms (first start, initdb), ${second.readyMs.toFixed(0)} ms (restart)\n`);
    } finally {
      assert.equal(await stop(second), 0);
    }
  });

  it('refuses to start in production without a real identity provider, naming the variable', async () => {
    const child = spawn(process.execPath, [path.join(DIST_SRC, 'main.js')], { env: { ...env, NODE_ENV: 'production' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    assert.equal(code, 1);
    assert.match(err, /^charter: invalid configuration: OIDC_ISSUER_URL: required when NODE_ENV=production/m);
  });

  it('stops at boot with one line per invalid variable', async () => {
    const child = spawn(process.execPath, [path.join(DIST_SRC, 'main.js')], {
      env: { ...env, PORT: 'eighty', LOG_LEVEL: 'loud' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    assert.equal(code, 1);
    const lines = err
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('charter:'));
    assert.equal(lines.length, 2, err);
    assert.match(
      lines.find((l) => l.includes('PORT='))!,
      /PORT="eighty": must be a number/,
    );
    assert.match(
      lines.find((l) => l.includes('LOG_LEVEL='))!,
      /LOG_LEVEL="loud": must be one of/,
    );
  });
});

describe('npm start as a normal (non-root) user', { skip: process.getuid?.() !== 0 ? 'already not root: the main test covers it' : false }, () => {
  it('starts the embedded PostgreSQL and the dev IdP as uid 65534 (nobody)', async () => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'charter-nobody-'));
    await fs.chown(dataDir, 65534, 65534);
    const port = await findFreePort();
    const env = { ...(await unconfiguredEnv(path.join(dataDir, 'data'), port)), HOME: dataDir };
    const child = spawn(process.execPath, [path.join(DIST_SRC, 'main.js')], { env, uid: 65534, gid: 65534, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    try {
      const deadline = Date.now() + 30_000;
      let ready = false;
      while (!ready && Date.now() < deadline && child.exitCode === null) {
        ready = await fetch(`http://127.0.0.1:${port}/health/ready`).then(
          (r) => r.status === 200,
          () => false,
        );
        if (!ready) await new Promise((r) => setTimeout(r, 100));
      }
      assert.ok(ready, `not ready as uid 65534: ${out}`);
      const pid = (await fs.readFile(path.join(dataDir, 'data', 'postgres', 'postmaster.pid'), 'utf8')).split('\n')[0]!;
      const status = await fs.readFile(`/proc/${pid}/status`, 'utf8');
      assert.match(status, /^Uid:\s+65534\b/m, 'PostgreSQL runs as the invoking user, not as postgres');
    } finally {
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      assert.equal(await exited, 0, out);
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  });
});
